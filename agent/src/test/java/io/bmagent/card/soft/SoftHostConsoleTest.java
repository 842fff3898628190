package io.bmagent.card.soft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.Card;
import io.bmagent.card.ConsoleOutput;
import io.bmagent.card.PowerState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A host that is not a QEMU guest (a namespace, or none) has no serial console: empty, never an error. */
class SoftHostConsoleTest {

  @Test
  void theNamespaceHostsConsoleIsEmptyInEveryPowerState() {
    try (Card card = new SoftCardProvider().open(Map.of("underlay", "127.0.0.1", "underlay-port", "0"))) {
      assertEmpty(card.host().console(65536));
      card.host().powerOn();
      assertEquals(PowerState.ON, card.host().state());
      assertEmpty(card.host().console(65536));
      card.host().powerOff(true, Duration.ZERO);
      assertEmpty(card.host().console(65536));
    }
  }

  private static void assertEmpty(ConsoleOutput o) {
    assertEquals(0, o.output().length);
    assertEquals(0, o.totalBytes());
    assertTrue(o.lastWrite().isEmpty());
  }
}
