package io.bmagent.card.soft.net.metadata;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One HTTP/1.1 request parsed from the front of a buffer (RFC 9112, 2 to 6), or why it cannot be: the few
 * requests the metadata service answers have small heads and no body worth keeping.
 *
 * @param status 0 for a request, else the status to refuse it with; the connection is then closed
 * @param consumed bytes of the buffer the request took, head and body
 */
public record HttpRequest(int status, String method, String path, Map<String, String> headers, boolean close,
    int consumed) {

  /** A request head larger than this is refused with 431 (RFC 6585, 5). */
  public static final int MAX_HEAD = 8 * 1024;
  /** A body larger than this is refused with 413; the service reads none. */
  public static final int MAX_BODY = 1024;
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern TARGET = Pattern.compile("/[\\x21-\\x7e]*");

  static HttpRequest refused(int status) {
    return new HttpRequest(status, "", "", Map.of(), true, 0);
  }

  /** The request at the front of {@code b[0..len)}, or null when it is not complete yet. */
  public static HttpRequest parse(byte[] b, int len) {
    int end = headEnd(b, Math.min(len, MAX_HEAD));
    if (end < 0) {
      return len >= MAX_HEAD ? refused(431) : null;
    }
    String[] lines = new String(b, 0, end, StandardCharsets.ISO_8859_1).split("\r\n", -1);
    String[] start = lines[0].split(" ", -1);
    if (start.length != 3 || !TOKEN.matcher(start[0]).matches() || !TARGET.matcher(start[1]).matches()
        || !start[2].matches("HTTP/1\\.[01]")) {
      return refused(400);
    }
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      // No obsolete line folding, no space before the colon (RFC 9112, 5.1 and 5.2).
      if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
        return refused(400);
      }
      headers.merge(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip(),
          (a, c) -> a + "," + c);
    }
    if (headers.containsKey("transfer-encoding")) {
      return refused(413);
    }
    long body = 0;
    String length = headers.get("content-length");
    if (length != null) {
      if (!length.matches("[0-9]{1,18}")) {
        return refused(400);
      }
      body = Long.parseLong(length);
      if (body > MAX_BODY) {
        return refused(413);
      }
    }
    int headLength = end + 4;
    if (len < headLength + body) {
      return null;
    }
    String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
    boolean close = start[2].equals("HTTP/1.0") ? !connection.contains("keep-alive") : connection.contains("close");
    int q = start[1].indexOf('?');
    return new HttpRequest(0, start[0], q < 0 ? start[1] : start[1].substring(0, q), headers, close,
        headLength + (int) body);
  }

  /** The offset of the CRLFCRLF that ends the head, or -1. */
  private static int headEnd(byte[] b, int len) {
    for (int i = 0; i + 3 < len; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
