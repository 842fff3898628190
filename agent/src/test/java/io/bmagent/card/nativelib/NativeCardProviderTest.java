package io.bmagent.card.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.Card;
import io.bmagent.card.CardException;
import io.bmagent.card.CardProvider;
import io.bmagent.card.CardProviders;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The native driver as the agent finds and opens it. */
class NativeCardProviderTest {

  @Test
  void isRegisteredAsAServiceAboveTheSoftCard() {
    CardProvider p = CardProviders.installed().all().stream().filter(x -> x.name().equals("native"))
        .findFirst().orElseThrow();
    assertEquals(100, p.priority());
    assertEquals(p.isAvailable(), p.unavailabilityCause().isEmpty());
  }

  @Test
  void optionsBecomeTheLibraryConfigurationWithoutLib() {
    assertEquals("max_rules=10;model=x", NativeCardProvider.config(Map.of("model", "x", "lib", "/l.so",
        "max_rules", "10")));
  }

  @Test
  @Tag("hil")
  void opensTheLoadedLibraryWithItsOptions() {
    SimCards.library();
    NativeCardProvider provider = new NativeCardProvider();
    assertEquals("native", CardProviders.installed().choose(Optional.of("native")).name());
    String lib = BmdpuLibraryLoader.libraryPath().orElseThrow().toString();
    try (Card card = provider.open(Map.of("model", "sim-x", "lib", lib))) {
      assertEquals("sim-x", card.info().model());
    }
    CardException e = assertThrows(CardException.class, () -> provider.open(Map.of("lib", "/other.so")));
    assertEquals(CardException.Reason.INVALID, e.reason());
    e = assertThrows(CardException.class, () -> provider.open(Map.of("no_such_key", "1")));
    assertEquals(CardException.Reason.INVALID, e.reason());
    assertTrue(e.getMessage().contains("card_open"), e.getMessage());
  }
}
