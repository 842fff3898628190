package io.bmagent.card.soft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.Condition;
import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.GetVolumeRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.VolumePhase;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.api.v1.WatchEventsRequest;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A boot volume the target refuses for good (its namespace has 512-byte blocks, the spec says 4096) makes the
 * instance FAILED with the volume's reason and message, and an event says so, instead of pending forever.
 */
class TerminalDeviceFailureTest {

  static final String NQN = "nqn.2026-11.io.bmagent:mismatch";

  @TempDir Path dir;

  @Test
  void aBlockSizeMismatchOfTheBootVolumeFailsTheInstance() throws Exception {
    Path imageFile = dir.resolve("disk.img");
    Files.write(imageFile, new byte[64 * 4096]);
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0));
    Subsystem subsystem = target.addSubsystem(NQN);
    int nsid = subsystem.cloneImage(imageFile, 512);
    int port = target.start();
    SoftCard card = (SoftCard) new SoftCardProvider().open(Map.of("underlay", "127.0.0.1", "underlay-port", "0"));
    try (AgentFixture f = new AgentFixture(dir.resolve("state"), card)) {
      Iterator<Event> events = f.agentService.withDeadlineAfter(60, TimeUnit.SECONDS)
          .watchEvents(WatchEventsRequest.newBuilder().addResourceTypes("instance").build());
      VolumeSpec boot = Specs.volume("vol-boot", VolumeRole.VOLUME_ROLE_BOOT).toBuilder()
          .setTarget(NvmeofTarget.newBuilder().setTransport(io.bmagent.api.v1.Transport.TRANSPORT_TCP)
              .setAddress("127.0.0.1").setServiceId(Integer.toString(port)).setSubsystemNqn(NQN)
              .setNamespaceId(nsid))
          .setSizeBytes(64 * 4096).setBlockSize(4096).build();
      f.instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-1")
          .setSpec(Specs.instance().toBuilder().setBootDisk(BootDisk.newBuilder().setCloudVolume(boot)))
          .setStartAfterProvisioning(true).build());

      Instance failed = f.awaitPhase(InstancePhase.INSTANCE_PHASE_FAILED, 60);
      Condition ready = failed.getStatus().getCommon().getConditions(0);
      assertFalse(ready.getStatus());
      assertEquals("CARD_INVALID", ready.getReason());
      assertTrue(ready.getMessage().startsWith("volume vol-boot failed: "), ready.getMessage());
      assertTrue(ready.getMessage().contains("512-byte blocks"), ready.getMessage());
      assertEquals(VolumePhase.VOLUME_PHASE_FAILED, f.volumes.getVolume(GetVolumeRequest.newBuilder()
          .setVolumeId("vol-boot").build()).getStatus().getPhase());
      assertEquals(io.bmagent.card.PowerState.OFF, card.host().state(), "never powered on without its boot disk");

      Event e;
      do {
        e = events.next();
      } while (!e.getPhase().equals("FAILED"));
      assertEquals("i-1", e.getResourceId());
      assertEquals("CARD_INVALID", e.getReason());
      assertTrue(e.getMessage().contains("vol-boot"), e.getMessage());
    } finally {
      target.close();
    }
  }
}
