package io.bmagent.cli;

import com.google.protobuf.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line as 30s, 5m, 1h30m or 500ms, converted to the API's protobuf Duration. */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String text) {
    java.time.Duration d;
    try {
      String t = text.toLowerCase();
      d = t.endsWith("ms") ? java.time.Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)))
          : java.time.Duration.parse("PT" + t);
    } catch (RuntimeException e) {
      throw new TypeConversionException("not a duration like 30s, 5m or 500ms: " + text);
    }
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }
}
