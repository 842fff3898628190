package io.bmagent.card.soft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.Card;
import io.bmagent.card.CardException;
import io.bmagent.card.soft.net.NetPoll;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --card-option net-poll}: sleep or busy, any case, and {@code net-queues}, 1 to 256; anything else refuses to
 * open the card, naming it.
 */
class NetPollOptionTest {

  @Test
  void parsesBothModes() {
    assertEquals(NetPoll.SLEEP, NetPoll.parse("sleep"));
    assertEquals(NetPoll.BUSY, NetPoll.parse("BUSY"));
  }

  @Test
  void anotherValueIsInvalid() {
    CardException e = assertThrows(CardException.class, () -> new SoftCardProvider().open(Map.of("underlay",
        "127.0.0.1", "underlay-port", "0", "net-poll", "fast")));
    assertEquals(CardException.Reason.INVALID, e.reason());
    assertTrue(e.getMessage().contains("net-poll") && e.getMessage().contains("fast"), e.getMessage());
  }

  @Test
  void netQueuesOutsideOneTo256IsInvalid() {
    for (String bad : new String[] {"0", "257", "two"}) {
      CardException e = assertThrows(CardException.class, () -> new SoftCardProvider().open(Map.of("underlay",
          "127.0.0.1", "underlay-port", "0", "host-netns", "bmq-none", "net-queues", bad)));
      assertEquals(CardException.Reason.INVALID, e.reason(), bad);
      assertTrue(e.getMessage().contains("net-queues") && e.getMessage().contains(bad), e.getMessage());
    }
  }

  @Test
  void busyCardOpensAndCloses() throws Exception {
    try (Card card = new SoftCardProvider().open(Map.of("underlay", "127.0.0.1", "underlay-port", "0", "net-poll",
        "busy"))) {
      assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("underlay-rx-")),
          "the underlay's spinning receiver runs");
    }
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("underlay-rx-")
        && t.isAlive()), "and stops with the card");
  }
}
