package io.bmagent.card.soft.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.ConsoleOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QEMU host's console file read into the card's ring, with the file written here as QEMU would: appended while
 * it runs, truncated when a new QEMU starts.
 */
class ConsoleLogTest {

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("console.log");
  }

  private void qemuPrints(String s) throws IOException {
    Files.writeString(file(), s, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static String text(ConsoleOutput o) {
    return new String(o.output(), StandardCharsets.UTF_8);
  }

  @Test
  void noFileYetIsAnEmptyConsole() {
    ConsoleOutput o = new ConsoleLog(file(), 64).snapshot(64);
    assertEquals(0, o.totalBytes());
    assertTrue(o.lastWrite().isEmpty());
  }

  @Test
  void readsWhatWasAddedWithTheFilesTime() throws IOException {
    ConsoleLog log = new ConsoleLog(file(), 64);
    qemuPrints("Linux version 6.1\n");
    Instant written = Instant.parse("2026-12-03T07:30:00Z");
    Files.setLastModifiedTime(file(), FileTime.from(written));
    ConsoleOutput first = log.snapshot(64);
    assertEquals("Linux version 6.1\n", text(first));
    assertEquals(written, first.lastWrite().orElseThrow());
    qemuPrints("login: ");
    ConsoleOutput second = log.snapshot(64);
    assertEquals("Linux version 6.1\nlogin: ", text(second));
    assertEquals(25, second.totalBytes());
  }

  @Test
  void aRestartedAgentStillHasTheBootMessagesOfTheQemuThatOutlivedIt() throws IOException {
    qemuPrints("Linux version 6.1\nBMGUEST-DONE\n");
    ConsoleOutput o = new ConsoleLog(file(), 64).snapshot(64);
    assertEquals("Linux version 6.1\nBMGUEST-DONE\n", text(o));
  }

  @Test
  void theRingRunsOnAcrossAQemuRestartThatTruncatesTheFile() throws IOException {
    ConsoleLog log = new ConsoleLog(file(), 64);
    qemuPrints("boot 1\n");
    log.snapshot(64);
    qemuPrints("power button\n");
    log.restarted();
    Files.writeString(file(), "boot 2\n");
    ConsoleOutput o = log.snapshot(64);
    assertEquals("boot 1\npower button\nboot 2\n", text(o), "the end of the first run was read before the second");
    assertEquals(27, o.totalBytes());
  }

  @Test
  void aFileFarAheadOfTheReaderCostsOnlyTheRing() throws IOException {
    ConsoleLog log = new ConsoleLog(file(), 16);
    qemuPrints("a".repeat(10_000) + "0123456789abcdef");
    ConsoleOutput o = log.snapshot(100);
    assertEquals("0123456789abcdef", text(o));
    assertEquals(10_016, o.totalBytes());
    assertEquals("cdef", text(log.snapshot(4)));
  }
}
