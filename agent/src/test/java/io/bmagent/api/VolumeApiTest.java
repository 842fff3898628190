package io.bmagent.api;

import static io.bmagent.testing.AgentFixture.assertInvalid;
import static io.bmagent.testing.AgentFixture.assertLimit;
import static io.bmagent.testing.AgentFixture.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.DetachVolumeRequest;
import io.bmagent.api.v1.FreezeVolumesRequest;
import io.bmagent.api.v1.FreezeVolumesResponse;
import io.bmagent.api.v1.GetVolumeRequest;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ListVolumesRequest;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.ThawVolumesRequest;
import io.bmagent.api.v1.Volume;
import io.bmagent.api.v1.VolumePhase;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.AgentTestCase;
import io.bmagent.testing.Specs;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class VolumeApiTest extends AgentTestCase {

  private static AttachVolumeRequest attach(VolumeSpec spec) {
    return AttachVolumeRequest.newBuilder().setSpec(spec).build();
  }

  private void provisionStopped() {
    f.instances.provisionInstance(Specs.provision(false));
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
  }

  @Test
  void attachNeedsAnInstance() {
    assertLimit("INSTANCE_NOT_PROVISIONED",
        () -> f.volumes.attachVolume(attach(Specs.volume("vol-d1", VolumeRole.VOLUME_ROLE_DATA))));
  }

  @Test
  void attachAndDetachOnlyWhileTheHostIsStopped() {
    f.instances.provisionInstance(Specs.provision(true));
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    assertLimit("HOT_PLUG_NOT_SUPPORTED",
        () -> f.volumes.attachVolume(attach(Specs.volume("vol-d1", VolumeRole.VOLUME_ROLE_DATA))));
    f.instances.stopInstance(StopInstanceRequest.getDefaultInstance());
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
    Volume v = f.volumes.attachVolume(attach(Specs.volume("vol-d1", VolumeRole.VOLUME_ROLE_DATA)));
    assertEquals("vol-d1", v.getStatus().getSerial());
    AgentFixture.awaitTrue(() -> f.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId("vol-d1").build())
        .getStatus().getPhase() == VolumePhase.VOLUME_PHASE_ATTACHED, "data volume attached");
    f.instances.startInstance(io.bmagent.api.v1.StartInstanceRequest.getDefaultInstance());
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    assertLimit("HOT_PLUG_NOT_SUPPORTED",
        () -> f.volumes.detachVolume(DetachVolumeRequest.newBuilder().setVolumeId("vol-d1").build()));
    List<Volume> all = f.volumes.listVolumes(ListVolumesRequest.getDefaultInstance()).getVolumesList();
    assertEquals(List.of("vol-boot", "vol-d1"), all.stream().map(x -> x.getSpec().getVolumeId()).toList());
  }

  @Test
  void encryptedAndMultiAttachDisksAreRefused() {
    provisionStopped();
    assertLimit("ENCRYPTED_DISK_NOT_SUPPORTED", () -> f.volumes.attachVolume(attach(
        Specs.volume("vol-e", VolumeRole.VOLUME_ROLE_DATA).toBuilder().setEncrypted(true).build())));
    assertLimit("MULTI_ATTACH_NOT_SUPPORTED", () -> f.volumes.attachVolume(attach(
        Specs.volume("vol-m", VolumeRole.VOLUME_ROLE_DATA).toBuilder().setMultiAttach(true).build())));
  }

  @Test
  void retryIsIdempotentAndADifferentSpecIsRefused() {
    provisionStopped();
    VolumeSpec spec = Specs.volume("vol-d1", VolumeRole.VOLUME_ROLE_DATA);
    Volume first = f.volumes.attachVolume(attach(spec));
    assertEquals(first.getGeneration(), f.volumes.attachVolume(attach(spec)).getGeneration());
    assertEquals(Status.Code.ALREADY_EXISTS,
        code(() -> f.volumes.attachVolume(attach(spec.toBuilder().setSizeBytes(2L << 30).build()))));
    assertEquals(1, card.calls.getOrDefault("attach", 0) - 1, "the retry attached nothing more");
  }

  @Test
  void badFieldsAreNamed() {
    provisionStopped();
    VolumeSpec bad = Specs.volume("vol with spaces", VolumeRole.VOLUME_ROLE_DATA).toBuilder()
        .setBlockSize(1000)
        .setTarget(Specs.volume("x", VolumeRole.VOLUME_ROLE_DATA).getTarget().toBuilder()
            .setServiceId("70000").setSubsystemNqn("not-an-nqn"))
        .build();
    assertInvalid(List.of("spec.volume_id", "spec.target.service_id", "spec.target.subsystem_nqn",
        "spec.block_size"), () -> f.volumes.attachVolume(attach(bad)));
  }

  @Test
  void digestsAreValidatedAndShownInTheStatus() {
    provisionStopped();
    VolumeSpec spec = Specs.volume("vol-dgst", VolumeRole.VOLUME_ROLE_DATA);
    VolumeSpec rdma = spec.toBuilder().setTarget(spec.getTarget().toBuilder()
        .setTransport(io.bmagent.api.v1.Transport.TRANSPORT_RDMA).setHeaderDigest(true).setDataDigest(true)).build();
    assertInvalid(List.of("spec.target.transport", "spec.target.header_digest", "spec.target.data_digest"),
        () -> f.volumes.attachVolume(attach(rdma)));
    VolumeSpec tcp = spec.toBuilder().setTarget(spec.getTarget().toBuilder().setDataDigest(true)).build();
    Volume v = f.volumes.attachVolume(attach(tcp));
    assertTrue(v.getSpec().getTarget().getDataDigest());
    AgentFixture.awaitTrue(() -> f.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId("vol-dgst").build())
        .getStatus().getDataDigest(), "the status shows the data digest in effect");
    assertFalse(f.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId("vol-dgst").build())
        .getStatus().getHeaderDigest());
  }

  @Test
  void freezeHoldsVolumesUntilThawAndAFrozenVolumeCannotBeDetached() {
    provisionStopped();
    f.volumes.attachVolume(attach(Specs.volume("vol-d1", VolumeRole.VOLUME_ROLE_DATA)));
    AgentFixture.awaitTrue(() -> card.storage().list().size() == 2, "two devices");
    FreezeVolumesResponse frozen = f.volumes.freezeVolumes(FreezeVolumesRequest.newBuilder()
        .addVolumeIds("vol-boot").addVolumeIds("vol-d1").setTimeout(Durations.fromSeconds(30)).build());
    assertTrue(frozen.hasThawDeadline());
    assertTrue(card.storage().list().stream().allMatch(d -> d.frozen()));
    assertLimit("VOLUME_FROZEN",
        () -> f.volumes.detachVolume(DetachVolumeRequest.newBuilder().setVolumeId("vol-d1").build()));
    assertLimit("VOLUME_FROZEN", () -> f.volumes.freezeVolumes(FreezeVolumesRequest.newBuilder()
        .addVolumeIds("vol-d1").build()));
    AgentFixture.awaitTrue(() -> f.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId("vol-d1").build())
        .getStatus().getPhase() == VolumePhase.VOLUME_PHASE_FROZEN, "phase FROZEN");
    f.volumes.thawVolumes(ThawVolumesRequest.getDefaultInstance());
    assertTrue(card.storage().list().stream().noneMatch(d -> d.frozen()));
    f.volumes.detachVolume(DetachVolumeRequest.newBuilder().setVolumeId("vol-d1").build());
    AgentFixture.awaitTrue(() -> card.storage().list().size() == 1, "data device detached");
    f.volumes.detachVolume(DetachVolumeRequest.newBuilder().setVolumeId("vol-d1").setAllowMissing(true).build());
    assertEquals(Status.Code.NOT_FOUND,
        code(() -> f.volumes.detachVolume(DetachVolumeRequest.newBuilder().setVolumeId("vol-d1").build())));
  }

  @Test
  void freezeTimeoutIsBounded() {
    provisionStopped();
    assertInvalid(List.of("timeout"), () -> f.volumes.freezeVolumes(FreezeVolumesRequest.newBuilder()
        .addVolumeIds("vol-boot").setTimeout(Durations.fromSeconds(600)).build()));
  }
}
