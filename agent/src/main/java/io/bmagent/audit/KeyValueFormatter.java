package io.bmagent.audit;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event: {@code ts=... level=... logger=... msg="..."} followed by the event's {@link LogFields} and, for
 * a failure, {@code error=} and {@code stack=}. Values with spaces, quotes, {@code =} or control characters are quoted
 * with backslash escapes, so a multi-line message or stack trace stays on its line and journald, grep and log
 * shippers see one record per event.
 */
public final class KeyValueFormatter extends Formatter {

  /** Replaces the formatter of the root logger's handlers, installing a console handler if there is none. */
  public static void install() {
    Logger root = LogManager.getLogManager().getLogger("");
    Handler[] handlers = root.getHandlers();
    if (handlers.length == 0) {
      root.addHandler(new ConsoleHandler());
      handlers = root.getHandlers();
    }
    for (Handler h : handlers) {
      h.setFormatter(new KeyValueFormatter());
    }
  }

  @Override
  public String format(LogRecord r) {
    StringBuilder b = new StringBuilder(160);
    b.append("ts=").append(Instant.ofEpochMilli(r.getMillis()));
    b.append(" level=").append(r.getLevel().getName());
    appendField(b, "logger", r.getLoggerName());
    Object[] params = r.getParameters();
    boolean structured = params != null && params.length == 1 && params[0] instanceof LogFields;
    appendField(b, "msg", structured ? r.getMessage() : formatMessage(r));
    if (structured) {
      ((LogFields) params[0]).asMap().forEach((k, v) -> appendField(b, k, v));
    }
    Throwable t = r.getThrown();
    if (t != null) {
      appendField(b, "error", t.toString());
      StringWriter stack = new StringWriter();
      t.printStackTrace(new PrintWriter(stack));
      appendField(b, "stack", stack.toString().stripTrailing());
    }
    return b.append('\n').toString();
  }

  static void appendField(StringBuilder b, String key, Object value) {
    b.append(' ').append(key).append('=');
    String v = String.valueOf(value);
    if (!needsQuotes(v)) {
      b.append(v);
      return;
    }
    b.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  private static boolean needsQuotes(String v) {
    if (v.isEmpty()) {
      return true;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
        return true;
      }
    }
    return false;
  }
}
