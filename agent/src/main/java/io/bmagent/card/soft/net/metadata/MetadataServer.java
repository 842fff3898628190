package io.bmagent.card.soft.net.metadata;

import io.bmagent.card.InstanceMetadata;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The HTTP semantics of the metadata service: IMDSv2 session tokens ({@code PUT /latest/api/token}), the port's
 * rate limit, and the tree. One server per port, used by the port's host thread alone.
 */
public final class MetadataServer {

  static final String TOKEN_PATH = "/latest/api/token";
  static final int MAX_TOKEN_TTL = 21_600;
  /** Tokens alive at once; the oldest goes first, as a client that loses its token asks for another. */
  static final int MAX_TOKENS = 64;
  static final int RATE_PER_SECOND = 100;
  static final int BURST = 200;

  private final Supplier<InstanceMetadata> metadata;
  private final LongSupplier nanos;
  private final MetadataCounters counters;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Long> tokens = new LinkedHashMap<>();
  private InstanceMetadata treeOf;
  private MetadataTree tree;
  private double bucket = BURST;
  private long refilled;

  public MetadataServer(Supplier<InstanceMetadata> metadata, LongSupplier nanos, MetadataCounters counters) {
    this.metadata = metadata;
    this.nanos = nanos;
    this.counters = counters;
    this.refilled = nanos.getAsLong();
  }

  /** The complete response to a request, or to a refusal the parser decided. */
  public byte[] respond(HttpRequest req) {
    if (req.status() != 0) {
      return reply(req.status(), "text/plain", reason(req.status()).getBytes(StandardCharsets.US_ASCII), true,
          null, req.method());
    }
    if (!take()) {
      return reply(429, "text/plain", reason(429).getBytes(StandardCharsets.US_ASCII), req.close(), null,
          req.method());
    }
    InstanceMetadata m = metadata.get();
    if (m == null) {
      return reply(404, "text/plain", reason(404).getBytes(StandardCharsets.US_ASCII), req.close(), null,
          req.method());
    }
    if (req.path().equals(TOKEN_PATH)) {
      return token(req);
    }
    if (!req.method().equals("GET") && !req.method().equals("HEAD")) {
      return reply(405, "text/plain", reason(405).getBytes(StandardCharsets.US_ASCII), req.close(),
          "Allow: GET, HEAD\r\n", req.method());
    }
    String token = req.headers().get("x-aws-ec2-metadata-token");
    if (token != null ? !valid(token) : m.tokensRequired()) {
      return reply(401, "text/plain", reason(401).getBytes(StandardCharsets.US_ASCII), req.close(), null,
          req.method());
    }
    if (m != treeOf) {
      tree = new MetadataTree(m);
      treeOf = m;
    }
    byte[] body = tree.get(req.path());
    return body == null
        ? reply(404, "text/plain", reason(404).getBytes(StandardCharsets.US_ASCII), req.close(), null, req.method())
        : reply(200, body.length > 0 && body[0] == '{' ? "application/json" : "text/plain", body, req.close(),
            null, req.method());
  }

  private byte[] token(HttpRequest req) {
    if (!req.method().equals("PUT")) {
      return reply(405, "text/plain", reason(405).getBytes(StandardCharsets.US_ASCII), req.close(),
          "Allow: PUT\r\n", req.method());
    }
    // A token asked through a proxy could be handed to someone off the host: EC2 refuses it.
    if (req.headers().containsKey("x-forwarded-for")) {
      return reply(403, "text/plain", reason(403).getBytes(StandardCharsets.US_ASCII), req.close(), null,
          req.method());
    }
    String ttl = req.headers().getOrDefault("x-aws-ec2-metadata-token-ttl-seconds", "");
    int seconds = ttl.matches("[0-9]{1,5}") ? Integer.parseInt(ttl) : 0;
    if (seconds < 1 || seconds > MAX_TOKEN_TTL) {
      return reply(400, "text/plain", reason(400).getBytes(StandardCharsets.US_ASCII), req.close(), null,
          req.method());
    }
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    expire();
    if (tokens.size() >= MAX_TOKENS) {
      Iterator<String> oldest = tokens.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    tokens.put(token, nanos.getAsLong() + seconds * 1_000_000_000L);
    return reply(200, "text/plain", token.getBytes(StandardCharsets.US_ASCII), req.close(),
        "X-aws-ec2-metadata-token-ttl-seconds: " + seconds + "\r\n", req.method());
  }

  private boolean valid(String token) {
    Long expiry = tokens.get(token);
    return expiry != null && nanos.getAsLong() - expiry < 0;
  }

  private void expire() {
    long now = nanos.getAsLong();
    tokens.values().removeIf(expiry -> now - expiry >= 0);
  }

  /** A token bucket: {@value #RATE_PER_SECOND} requests a second, {@value #BURST} at once. */
  private boolean take() {
    long now = nanos.getAsLong();
    bucket = Math.min(BURST, bucket + (now - refilled) * RATE_PER_SECOND / 1e9);
    refilled = now;
    if (bucket < 1) {
      return false;
    }
    bucket -= 1;
    return true;
  }

  private byte[] reply(int status, String type, byte[] body, boolean close, String extra, String method) {
    counters.response(status);
    String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\nContent-Type: " + type
        + "\r\nContent-Length: " + body.length + "\r\nServer: bm-agent-metadata\r\n" + (extra == null ? "" : extra)
        + (close ? "Connection: close\r\n" : "") + "\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    int bodyLength = method.equals("HEAD") ? 0 : body.length;
    byte[] out = new byte[h.length + bodyLength];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(body, 0, out, h.length, bodyLength);
    return out;
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 413 -> "Payload Too Large";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      default -> "Error";
    };
  }
}
