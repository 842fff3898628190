package io.bmagent.card.soft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.FreezeVolumesRequest;
import io.bmagent.api.v1.GetInventoryRequest;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.ThawVolumesRequest;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.card.soft.storage.HostBlockDevice;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole storage path on the soft card: a boot volume cloned from an image file on the lab's NVMe/TCP target,
 * attached by the agent, written by the host, frozen for a snapshot, restored while stopped, read back after start.
 */
class SoftCardScenarioTest {

  static final String NQN = "nqn.2026-11.io.bmagent:lab";
  static final int BLOCK = 4096;

  @TempDir Path dir;

  @Test
  void bootVolumeFromImageSurvivesSnapshotAndRestore() throws Exception {
    byte[] image = new byte[256 * BLOCK];
    new Random(7).nextBytes(image);
    Path imageFile = dir.resolve("centos76.img");
    Files.write(imageFile, image);
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0));
    Subsystem subsystem = target.addSubsystem(NQN);
    int nsid = subsystem.cloneImage(imageFile, BLOCK);
    int port = target.start();
    SoftCard card = (SoftCard) new SoftCardProvider().open(Map.of("underlay", "127.0.0.1", "underlay-port", "0"));
    try (AgentFixture f = new AgentFixture(dir.resolve("state"), card)) {
      assertEquals("soft", f.agentService.getInventory(GetInventoryRequest.getDefaultInstance()).getDriverName());
      VolumeSpec boot = Specs.volume("vol-boot", VolumeRole.VOLUME_ROLE_BOOT).toBuilder()
          .setTarget(NvmeofTarget.newBuilder().setTransport(io.bmagent.api.v1.Transport.TRANSPORT_TCP)
              .setAddress("127.0.0.1").setServiceId(Integer.toString(port)).setSubsystemNqn(NQN)
              .setNamespaceId(nsid))
          .setSizeBytes(image.length).setBlockSize(BLOCK).build();
      f.instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-1")
          .setSpec(Specs.instance().toBuilder().setBootDisk(BootDisk.newBuilder().setCloudVolume(boot)))
          .setStartAfterProvisioning(true).build());
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);

      HostBlockDevice disk = card.hostDevice("vol-boot").orElseThrow();
      assertEquals("vol-boot", disk.serial());
      assertArrayEquals(slice(image, 0, 8), HostIo.read(disk, 0, 8), "the boot disk holds the image");

      byte[] before = pattern(1, 8);
      HostIo.write(disk, 16, before);
      f.volumes.freezeVolumes(FreezeVolumesRequest.newBuilder().addVolumeIds("vol-boot")
          .setTimeout(Durations.fromSeconds(30)).build());
      int snapshot = subsystem.snapshot(nsid);
      f.volumes.thawVolumes(ThawVolumesRequest.getDefaultInstance());
      HostIo.write(disk, 16, pattern(2, 8));

      f.instances.stopInstance(StopInstanceRequest.newBuilder().setForce(true).build());
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
      assertTrue(card.hostDevice("vol-boot").isEmpty(), "no host I/O while the host is off");
      subsystem.restore(nsid, snapshot);
      f.instances.startInstance(StartInstanceRequest.getDefaultInstance());
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);

      HostBlockDevice after = card.hostDevice("vol-boot").orElseThrow();
      assertArrayEquals(before, HostIo.read(after, 16, 8), "reads the snapshot's data, not what came after");
      assertArrayEquals(slice(image, 0, 8), HostIo.read(after, 0, 8));
    } finally {
      target.close();
    }
  }

  private static byte[] pattern(int seed, int blocks) {
    byte[] b = new byte[blocks * BLOCK];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] slice(byte[] b, int block, int blocks) {
    byte[] out = new byte[blocks * BLOCK];
    System.arraycopy(b, block * BLOCK, out, 0, out.length);
    return out;
  }
}
