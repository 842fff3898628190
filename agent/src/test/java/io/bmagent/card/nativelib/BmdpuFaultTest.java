package io.bmagent.card.nativelib;

import static io.bmagent.card.nativelib.BmdpuErrors.check;
import static io.bmagent.card.nativelib.BmdpuErrors.checkBatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.ptr.IntByReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Faults injected into the simulator surface through the binding with their errno. */
@Tag("hil")
class BmdpuFaultTest {

  @Test
  void injectedFaultSurfacesWithItsErrnoThenClears() {
    try (BmdpuCard card = SimCards.open(null)) {
      BmdpuLibrary lib = card.library();
      SimulatorControl.of(card).injectFault("nvmf_connect", 2, BmdpuError.CONNECTION_REFUSED, 0);
      NvmfTarget target = SimCards.target("c1");
      for (int i = 0; i < 2; i++) {
        BmdpuException e = assertThrows(BmdpuException.class,
            () -> check(lib.bmdpu_nvmf_connect(card.handle(), target), "nvmf_connect"));
        assertEquals(BmdpuError.CONNECTION_REFUSED, e.error());
        assertEquals(111, e.errno());
        assertEquals("connection refused: nvmf_connect (ECONNREFUSED)", e.getMessage());
      }
      check(lib.bmdpu_nvmf_connect(card.handle(), target), "nvmf_connect");
    }
  }

  @Test
  void failedBatchReportsNothingApplied() {
    try (BmdpuCard card = SimCards.open(null);
        StructArray<Rule> rules = StructArray.of(Rule.class, 1)) {
      Rule r = rules.get(0);
      r.table = BmdpuLibrary.BMDPU_TABLE_ACL_EGRESS;
      r.rule_id = 1;
      r.action = BmdpuLibrary.BMDPU_ACTION_DENY;
      rules.write();
      SimulatorControl.of(card).injectFault("rules_apply", 1, BmdpuError.IO, 0);
      IntByReference done = new IntByReference(-1);
      BmdpuBatchException e = assertThrows(BmdpuBatchException.class, () -> checkBatch(
          card.library().bmdpu_rules_apply(card.handle(), rules.pointer(), 1, done), "rules_apply", done.getValue(), 1));
      assertEquals(BmdpuError.IO, e.error());
      assertEquals(0, e.completed());
    }
  }

  @Test
  void injectedLatencySlowsTheCall() {
    try (BmdpuCard card = SimCards.open(null)) {
      SimulatorControl.of(card).injectFault("host_get_power", 1, null, 30_000);
      long start = System.nanoTime();
      check(card.library().bmdpu_host_get_power(card.handle(), new IntByReference()), "host_get_power");
      assertTrue(System.nanoTime() - start >= 30_000_000L, "latency was injected");
    }
  }

  @Test
  void unknownOperationIsRejected() {
    try (BmdpuCard card = SimCards.open(null)) {
      BmdpuException e = assertThrows(BmdpuException.class,
          () -> SimulatorControl.of(card).injectFault("no_such_op", 1, BmdpuError.IO, 0));
      assertEquals(BmdpuError.INVALID, e.error());
    }
  }
}
