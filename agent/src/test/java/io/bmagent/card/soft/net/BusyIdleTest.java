package io.bmagent.card.soft.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BusyIdleTest {

  @Test
  void tellsASilenceOnlyAfterARunOfEmptyReadsAndForgetsItOnAPacket() {
    BusyIdle idle = new BusyIdle();
    assertFalse(idle.idleFor(0), "no empty read yet");
    idle.idle();
    assertFalse(idle.idleFor(0), "one empty read is a packet's gap, not a silence");
    spin(idle, 2_000);
    assertTrue(idle.idleFor(0));
    assertFalse(idle.idleFor(TimeUnit.HOURS.toNanos(1)), "the silence is as long as the reads found nothing");
    idle.reset();
    assertFalse(idle.idleFor(0), "a packet ends the silence");
    spin(idle, 2_000);
    assertTrue(idle.idleFor(0));
  }

  private static void spin(BusyIdle idle, int reads) {
    for (int i = 0; i < reads; i++) {
      idle.idle();
    }
  }
}
