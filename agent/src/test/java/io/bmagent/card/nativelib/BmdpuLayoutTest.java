package io.bmagent.card.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.jna.Structure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java structures must have the sizes that native/sim/sim.h pins with _Static_assert. */
class BmdpuLayoutTest {

  @Test
  void structuresMatchTheCLayout() {
    Map<Class<? extends Structure>, Integer> sizes = Map.ofEntries(
        Map.entry(CardInfo.class, 104), Map.entry(Limits.class, 32),
        Map.entry(NvmfTarget.class, 808), Map.entry(NvmfStatus.class, 80),
        Map.entry(BlockdevSpec.class, 144), Map.entry(BlockdevStats.class, 48),
        Map.entry(BlockdevInfo.class, 152), Map.entry(PortConfig.class, 120),
        Map.entry(PortCounters.class, 48), Map.entry(Rule.class, 40),
        Map.entry(VpcMapping.class, 20), Map.entry(VpcGateway.class, 20),
        Map.entry(Event.class, 96));
    sizes.forEach((type, size) -> assertEquals(size, Structure.newInstance(type).size(), type.getSimpleName()));
  }

  @Test
  void secretStaysOutOfToStringAndIsWiped() {
    NvmfTarget t = SimCards.target("c1").secret("DHHC-1:00:c2VjcmV0:".toCharArray());
    t.write();
    assertFalse(t.toString().contains("DHHC"));
    t.wipeSecret();
    // The secret is the last field.
    assertEquals(0, t.getPointer().getByte(t.size() - BmdpuLibrary.BMDPU_SECRET_MAX));
  }

  @Test
  void oversizedStringsAreRejectedBeforeTheCall() {
    assertThrows(IllegalArgumentException.class, () -> SimCards.device("c1", "x".repeat(21)));
  }
}
