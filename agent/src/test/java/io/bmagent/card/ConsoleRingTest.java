package io.bmagent.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The console ring keeps the last bytes in order across its wrap, counts every byte, and remembers the last time. */
class ConsoleRingTest {

  private static final Instant T1 = Instant.parse("2026-12-03T07:00:00Z");
  private static final Instant T2 = Instant.parse("2026-12-03T07:00:05Z");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String text(ConsoleOutput o) {
    return new String(o.output(), StandardCharsets.US_ASCII);
  }

  @Test
  void anEmptyRingHasNothingAndNoTime() {
    ConsoleOutput o = new ConsoleRing(8).snapshot(100);
    assertEquals(0, o.output().length);
    assertEquals(0, o.totalBytes());
    assertTrue(o.lastWrite().isEmpty());
  }

  @Test
  void keepsTheLastBytesInOrderAcrossTheWrap() {
    ConsoleRing ring = new ConsoleRing(8);
    ring.append(ascii("hello "), 0, 6, T1);
    assertEquals("hello ", text(ring.snapshot(100)));
    ring.append(ascii("world"), 0, 5, T2);
    ConsoleOutput o = ring.snapshot(100);
    assertEquals("lo world", text(o));
    assertEquals(11, o.totalBytes());
    assertEquals(T2, o.lastWrite().orElseThrow());
    assertEquals("rld", text(ring.snapshot(3)));
    assertEquals("", text(ring.snapshot(0)));
  }

  @Test
  void aWriteLongerThanTheRingKeepsItsEnd() {
    ConsoleRing ring = new ConsoleRing(4);
    ring.append(ascii("xxabcdefgh"), 2, 8, T1);
    assertEquals("efgh", text(ring.snapshot(10)));
    assertEquals(8, ring.snapshot(10).totalBytes());
    ring.append(ascii("ij"), 0, 2, T2);
    assertEquals("ghij", text(ring.snapshot(10)));
  }

  @Test
  void skippedBytesAreCountedAndCutWhatCameBefore() {
    ConsoleRing ring = new ConsoleRing(8);
    ring.append(ascii("old"), 0, 3, T1);
    ring.skip(100);
    assertEquals(103, ring.snapshot(8).totalBytes());
    assertEquals("", text(ring.snapshot(8)), "what the ring held does not run on into what follows the gap");
    ring.append(ascii("new"), 0, 3, T2);
    assertArrayEquals(ascii("new"), ring.snapshot(8).output());
    assertEquals(106, ring.snapshot(8).totalBytes());
  }
}
