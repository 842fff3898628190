package io.bmagent.card.soft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.GetVolumeRequest;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.Volume;
import io.bmagent.api.v1.VolumePhase;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.TargetEvent;
import io.bmagent.lab.target.TargetOptions;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Specs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Digests asked for through the API reach the wire (the lab target sees HDGST/DDGST in every ICReq of the volume) and
 * the volume's status shows what the target agreed to: both on one target, none on one that declines them.
 */
class SoftCardDigestsTest {

  static final String NQN = "nqn.2026-11.io.bmagent:digests";
  static final int BLOCK = 4096;

  @TempDir Path dir;
  final List<AutoCloseable> closeables = new java.util.ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private NvmeTcpTarget target(boolean digestsAllowed, List<TargetEvent> events) throws Exception {
    NvmeTcpTarget t = new NvmeTcpTarget(new TargetOptions().digestsAllowed(digestsAllowed));
    t.addSubsystem(NQN).addMemoryNamespace(1 << 20, BLOCK);
    t.addListener(events::add);
    t.start();
    closeables.add(0, t);
    return t;
  }

  private static VolumeSpec volume(String id, VolumeRole role, int port) {
    return Specs.volume(id, role).toBuilder()
        .setTarget(NvmeofTarget.newBuilder().setTransport(io.bmagent.api.v1.Transport.TRANSPORT_TCP)
            .setAddress("127.0.0.1").setServiceId(Integer.toString(port)).setSubsystemNqn(NQN).setNamespaceId(1)
            .setHeaderDigest(true).setDataDigest(true))
        .setSizeBytes(1 << 20).setBlockSize(BLOCK).build();
  }

  @Test
  void digestsReachTheWireAndTheStatusShowsWhatWasNegotiated() throws Exception {
    List<TargetEvent> agreeing = new CopyOnWriteArrayList<>();
    List<TargetEvent> declining = new CopyOnWriteArrayList<>();
    NvmeTcpTarget a = target(true, agreeing);
    NvmeTcpTarget b = target(false, declining);
    SoftCard card = (SoftCard) new SoftCardProvider().open(Map.of("underlay", "127.0.0.1", "underlay-port", "0"));
    AgentFixture f = new AgentFixture(dir.resolve("state"), card);
    closeables.add(0, f);
    f.instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-1")
        .setSpec(Specs.instance().toBuilder().setBootDisk(BootDisk.newBuilder()
            .setCloudVolume(volume("vol-boot", VolumeRole.VOLUME_ROLE_BOOT, a.port()))))
        .setStartAfterProvisioning(false).build());
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
    f.volumes.attachVolume(AttachVolumeRequest.newBuilder()
        .setSpec(volume("vol-data", VolumeRole.VOLUME_ROLE_DATA, b.port())).build());

    Volume boot = await(f, "vol-boot");
    assertTrue(boot.getStatus().getHeaderDigest(), boot.getStatus().toString());
    assertTrue(boot.getStatus().getDataDigest());
    Volume data = await(f, "vol-data");
    assertFalse(data.getStatus().getHeaderDigest(), "the target declined: " + data.getStatus());
    assertFalse(data.getStatus().getDataDigest());
    // Admin queue and every I/O queue asked for both digests in ICReq.
    for (List<TargetEvent> events : List.of(agreeing, declining)) {
      List<TargetEvent> icReqs = events.stream().filter(e -> e.kind() == TargetEvent.Kind.IC_REQ).toList();
      assertTrue(icReqs.size() >= 2, icReqs.toString());
      icReqs.forEach(e -> assertEquals(TargetEvent.HDGST | TargetEvent.DDGST, e.digests(), e.toString()));
    }
  }

  private static Volume await(AgentFixture f, String id) {
    AgentFixture.awaitTrue(() -> get(f, id).getStatus().getPhase() == VolumePhase.VOLUME_PHASE_ATTACHED
        && get(f, id).getStatus().getSlot() > 0, id + " attached");
    return get(f, id);
  }

  private static Volume get(AgentFixture f, String id) {
    return f.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId(id).build());
  }
}
