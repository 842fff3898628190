package io.bmagent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class KeyValueFormatterTest {

  final KeyValueFormatter format = new KeyValueFormatter();

  private static LogRecord record(Level level, String msg, Object... params) {
    LogRecord r = new LogRecord(level, msg);
    r.setLoggerName("io.bmagent.x");
    r.setInstant(Instant.parse("2026-11-27T04:00:00.123Z"));
    r.setParameters(params);
    return r;
  }

  @Test
  void fieldsFollowTheMessageAndAreQuotedOnlyWhenNeeded() {
    LogRecord r = record(Level.INFO, "attach done",
        LogFields.of("volume", "vol-1").and("slot", 3).and("note", "a \"quoted\" value").and("empty", "")
            .and("skipped", null));
    assertEquals("ts=2026-11-27T04:00:00.123Z level=INFO logger=io.bmagent.x msg=\"attach done\" volume=vol-1 slot=3"
        + " note=\"a \\\"quoted\\\" value\" empty=\"\"\n", format.format(r));
  }

  @Test
  void plainMessagesAreInterpolatedAndMultiLineTextStaysOnOneLine() {
    LogRecord r = record(Level.WARNING, "path {0} down\nretrying", "vol-1");
    r.setThrown(new IOException("connection reset"));
    String line = format.format(r);
    assertTrue(line.startsWith("ts=2026-11-27T04:00:00.123Z level=WARNING logger=io.bmagent.x"
        + " msg=\"path vol-1 down\\nretrying\" error=\"java.io.IOException: connection reset\" stack=\""), line);
    assertTrue(line.contains("\\n\\tat io.bmagent.audit.KeyValueFormatterTest"), line);
    assertEquals(line.length() - 1, line.indexOf('\n'), "one line");
  }

  @Test
  void fieldsPrintAsKeyValueOnTheirOwnToo() {
    assertEquals("a=1 b=\"x y\"", LogFields.of("a", 1).and("b", "x y").toString());
  }
}
