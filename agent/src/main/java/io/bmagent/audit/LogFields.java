package io.bmagent.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The {@code key=value} fields of one log event, in the order added. They travel as the record's only parameter, so
 * {@link KeyValueFormatter} can print them as fields rather than interpolate them into the message.
 */
public final class LogFields {

  private final Map<String, Object> fields = new LinkedHashMap<>();

  public static LogFields of(String key, Object value) {
    return new LogFields().and(key, value);
  }

  /** Adds a field; a null value is left out, so optional fields need no branches at the call site. */
  public LogFields and(String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
    return this;
  }

  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(fields);
  }

  /** Logs {@code message} with these fields. */
  public void log(Logger logger, Level level, String message) {
    if (!logger.isLoggable(level)) {
      return;
    }
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName(logger.getName());
    r.setParameters(new Object[] {this});
    logger.log(r);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    fields.forEach((k, v) -> KeyValueFormatter.appendField(b, k, v));
    return b.toString().trim();
  }
}
