package io.bmagent.card.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BmdpuErrorsTest {

  @Test
  void successPassesThrough() {
    assertEquals(0, BmdpuErrors.check(0, "host_power_on"));
    assertEquals(7, BmdpuErrors.check(7, "abi_version"));
    BmdpuErrors.checkBatch(0, "rules_apply", 10, 10);
  }

  @Test
  void negativeErrnoBecomesAReadableException() {
    BmdpuException e = assertThrows(BmdpuException.class, () -> BmdpuErrors.check(-28, "rules_apply"));
    assertEquals("no space: rules_apply (ENOSPC)", e.getMessage());
    assertEquals(BmdpuError.NO_SPACE, e.error());
    assertEquals(28, e.errno());
    assertEquals("rules_apply", e.op());

    BmdpuException odd = assertThrows(BmdpuException.class, () -> BmdpuErrors.check(-1234, "port_get"));
    assertEquals(BmdpuError.OTHER, odd.error());
    assertEquals("card error: port_get (errno 1234)", odd.getMessage());
  }

  @Test
  void batchFailureSaysHowFarItGot() {
    BmdpuBatchException e = assertThrows(BmdpuBatchException.class,
        () -> BmdpuErrors.checkBatch(-17, "vpc_mappings_upsert", 3, 10));
    assertEquals("already exists: vpc_mappings_upsert stopped after 3 of 10 (EEXIST)", e.getMessage());
    assertEquals(3, e.completed());
    assertEquals(10, e.requested());
  }

  @Test
  void loaderPrefersPropertyThenEnvironment() {
    Path work = Path.of("/nonexistent/agent");
    assertEquals(Optional.of(Path.of("/a.so")), BmdpuLibraryLoader.resolve("/a.so", "/b.so", work));
    assertEquals(Optional.of(Path.of("/b.so")), BmdpuLibraryLoader.resolve(null, "/b.so", work));
    assertEquals(Optional.empty(), BmdpuLibraryLoader.resolve(null, null, work));
    assertEquals("ABI version mismatch: library 2, agent 1", BmdpuLibraryLoader.versionMismatch(2));
  }
}
