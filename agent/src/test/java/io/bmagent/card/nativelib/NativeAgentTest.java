package io.bmagent.card.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.Condition;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.FreezeVolumesRequest;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.GetNetworkInterfaceRequest;
import io.bmagent.api.v1.GetVolumeRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ListVolumesRequest;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.ThawVolumesRequest;
import io.bmagent.api.v1.UpdateNetworkInterfaceRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.Volume;
import io.bmagent.api.v1.VolumePhase;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Specs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent driving the simulator over gRPC, as a control plane would; restarts are in NativeRestartTest. */
@Tag("hil")
class NativeAgentTest {

  @TempDir
  Path dir;
  private NativeCard card;
  private SimProbe probe;
  private SimulatorControl sim;
  private AgentFixture f;

  @BeforeEach
  void start() throws Exception {
    SimCards.library();
    card = NativeCard.open("power_transition_ms=20");
    probe = new SimProbe(card.handle());
    sim = SimulatorControl.of(card.handle());
    f = new AgentFixture(dir, card);
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  @Test
  void provisionsRunsAndReconfiguresTheSimulatedCard() {
    f.instances.provisionInstance(Specs.provision(true));
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    assertEquals(List.of("vol-boot"), probe.deviceSerials());
    assertEquals(BmdpuLibrary.BMDPU_POWER_ON, probe.power());
    assertEquals(1001, probe.port().vni);

    AgentFixture.assertLimit("HOT_PLUG_NOT_SUPPORTED", () -> f.volumes.attachVolume(dataVolume()));

    Instance running = f.instances.getInstance(GetInstanceRequest.getDefaultInstance());
    f.instances.stopInstance(StopInstanceRequest.newBuilder().setGeneration(running.getGeneration())
        .setForce(true).build());
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
    f.volumes.attachVolume(dataVolume());
    AgentFixture.awaitTrue(() -> probe.deviceSerials().contains("vol-data"), "vol-data on the card");
    awaitVolume("vol-data", VolumePhase.VOLUME_PHASE_ATTACHED);

    f.volumes.freezeVolumes(FreezeVolumesRequest.newBuilder().addVolumeIds("vol-data").build());
    awaitVolume("vol-data", VolumePhase.VOLUME_PHASE_FROZEN);
    f.volumes.thawVolumes(ThawVolumesRequest.newBuilder().addVolumeIds("vol-data").build());
    awaitVolume("vol-data", VolumePhase.VOLUME_PHASE_ATTACHED);

    f.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(SecurityGroup.newBuilder()
        .setSecurityGroupId("sg-1").addRules(SecurityGroupRule.newBuilder()
            .setDirection(Direction.DIRECTION_INGRESS).setProtocol(Protocol.PROTOCOL_TCP)
            .setPorts(PortRange.newBuilder().setFrom(22).setTo(22)).setRemoteCidr("0.0.0.0/0")))
        .build());
    NetworkInterface nic = f.network.getNetworkInterface(
        GetNetworkInterfaceRequest.newBuilder().setNicId("eni-1").build());
    f.network.updateNetworkInterface(UpdateNetworkInterfaceRequest.newBuilder()
        .setSpec(nic.getSpec().toBuilder().addSecurityGroupIds("sg-1")).setGeneration(nic.getGeneration())
        .build());
    AgentFixture.awaitTrue(() -> probe.rules(BmdpuLibrary.BMDPU_TABLE_SG_INGRESS).stream()
        .anyMatch(r -> r.port_min == 22 && r.port_max == 22), "the security group rule on the card");

    f.network.upsertVpcMappings(UpsertVpcMappingsRequest.newBuilder().addMappings(VpcMapping.newBuilder()
        .setVni(1001).setIp("10.0.1.20").setMac("02:00:00:00:00:02").setUnderlayIp("192.0.2.20")).build());
    AgentFixture.awaitTrue(() -> probe.mappings() == 1, "the mapping on the card");
  }

  @Test
  void retriesThroughInjectedFaultsAndConverges() {
    // Fails every attach until cleared, so the failed attempts can be observed before they reset.
    sim.injectFault("blockdev_attach", 1_000_000, BmdpuError.IO, 0);
    f.instances.provisionInstance(Specs.provision(true));

    AgentFixture.awaitTrue(() -> volume("vol-boot").getStatus().getCommon().getFailedAttempts() >= 3,
        "three failed attempts");
    Condition ready = volume("vol-boot").getStatus().getCommon().getConditionsList().stream()
        .filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
    assertFalse(ready.getStatus());
    assertEquals("CARD_IO", ready.getReason());
    // Each failed attach disconnected its path again.
    assertEquals(List.of(), probe.connections());
    assertEquals(BmdpuLibrary.BMDPU_POWER_OFF, probe.power());

    sim.injectFault("blockdev_attach", 0, null, 0);
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    assertEquals(0, volume("vol-boot").getStatus().getCommon().getFailedAttempts());
    assertEquals(List.of("vol-boot"), probe.deviceSerials());
    assertEquals(List.of("vol-boot"), probe.connections());
    List<Volume> volumes = f.volumes.listVolumes(ListVolumesRequest.getDefaultInstance()).getVolumesList();
    assertEquals(List.of("vol-boot"), volumes.stream().map(v -> v.getSpec().getVolumeId()).toList());
    assertEquals("eni-1", f.instances.getInstance(GetInstanceRequest.getDefaultInstance())
        .getSpec().getPrimaryNic().getNicId());
  }

  /** Digests from AttachVolume go into bmdpu_nvmf_target.flags; the simulator reports them back and in effect. */
  @Test
  void digestsRequestedThroughTheApiReachTheCardAndTheStatus() {
    f.instances.provisionInstance(Specs.provision(false));
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
    VolumeSpec spec = Specs.volume("vol-dgst", VolumeRole.VOLUME_ROLE_DATA);
    f.volumes.attachVolume(AttachVolumeRequest.newBuilder().setSpec(spec.toBuilder()
        .setTarget(spec.getTarget().toBuilder().setHeaderDigest(true).setDataDigest(true))).build());
    awaitVolume("vol-dgst", VolumePhase.VOLUME_PHASE_ATTACHED);

    NvmfTarget target = new NvmfTarget();
    BmdpuErrors.check(card.handle().library().bmdpu_nvmf_get_target(card.handle().handle(), "vol-dgst", target),
        "nvmf_get_target");
    assertEquals(BmdpuLibrary.BMDPU_NVMF_HDGST | BmdpuLibrary.BMDPU_NVMF_DDGST, target.flags);
    NvmfStatus status = new NvmfStatus();
    BmdpuErrors.check(card.handle().library().bmdpu_nvmf_get_status(card.handle().handle(), "vol-dgst", status),
        "nvmf_get_status");
    assertEquals(BmdpuLibrary.BMDPU_NVMF_HDGST | BmdpuLibrary.BMDPU_NVMF_DDGST, status.digests);
    Volume v = volume("vol-dgst");
    assertTrue(v.getStatus().getHeaderDigest(), v.getStatus().toString());
    assertTrue(v.getStatus().getDataDigest());
    assertTrue(v.getSpec().getTarget().getHeaderDigest());
    assertFalse(volume("vol-boot").getStatus().getDataDigest(), "a volume that asked for none has none");
  }

  private static AttachVolumeRequest dataVolume() {
    return AttachVolumeRequest.newBuilder().setSpec(Specs.volume("vol-data", VolumeRole.VOLUME_ROLE_DATA)).build();
  }

  private Volume volume(String id) {
    return f.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId(id).build());
  }

  private void awaitVolume(String id, VolumePhase phase) {
    AgentFixture.awaitTrue(() -> volume(id).getStatus().getPhase() == phase, id + " " + phase);
  }
}
