package io.bmagent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.GetVolumeRequest;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A card that refuses for a while: the status says so, the reconciler backs off, and converges when it clears. */
class ReconcileFaultTest {

  @TempDir Path dir;

  @Test
  void failedAttachesAreRetriedWithBackoffAndReportedUntilTheCardTakesThem() throws Exception {
    MemoryCard card = new MemoryCard();
    card.failNext("attach", 4);
    try (AgentFixture f = new AgentFixture(dir, card)) {
      f.instances.provisionInstance(Specs.provision(true));
      var running = f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
      assertEquals(1, card.calls.get("attach"), "only the attempt that succeeded counts");
      var volume = f.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId("vol-boot").build());
      assertEquals(0, volume.getStatus().getCommon().getFailedAttempts());
      assertTrue(running.getStatus().getCommon().getConditions(0).getStatus());
    }
  }

  @Test
  void theStatusNamesTheFailureWhileItLasts() throws Exception {
    MemoryCard card = new MemoryCard();
    card.failNext("attach", 1_000_000);
    try (AgentFixture f = new AgentFixture(dir, card)) {
      f.instances.provisionInstance(Specs.provision(true));
      AgentFixture.awaitTrue(() -> f.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId("vol-boot")
          .build()).getStatus().getCommon().getFailedAttempts() >= 3, "three failed attempts reported");
      var v = f.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId("vol-boot").build());
      assertEquals("CARD_IO", v.getStatus().getCommon().getConditions(0).getReason());
      assertEquals(io.bmagent.card.PowerState.OFF, card.power(), "no power-on without the boot disk");
      card.failNext("attach", 0);
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    }
  }
}
