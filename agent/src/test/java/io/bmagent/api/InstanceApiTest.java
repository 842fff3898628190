package io.bmagent.api;

import static io.bmagent.testing.AgentFixture.assertInvalid;
import static io.bmagent.testing.AgentFixture.assertLimit;
import static io.bmagent.testing.AgentFixture.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.DeprovisionInstanceRequest;
import io.bmagent.api.v1.DesiredPower;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Image;
import io.bmagent.api.v1.ImageKind;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.LocalDisk;
import io.bmagent.api.v1.PowerState;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.RebootInstanceRequest;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.UpdateInstanceRequest;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.AgentTestCase;
import io.bmagent.testing.Specs;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceApiTest extends AgentTestCase {

  @Test
  void provisionStartsTheHostWithDevicesInPlace() {
    Instance i = f.instances.provisionInstance(Specs.provision(true));
    assertEquals("i-1", i.getInstanceId());
    assertEquals(1, i.getGeneration());
    Instance running = f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    assertEquals(PowerState.POWER_STATE_ON, running.getStatus().getPowerState());
    assertEquals(1, running.getStatus().getCommon().getObservedGeneration());
    assertTrue(running.getStatus().hasFirstRunningTime());
    assertEquals(1, card.calls.get("attach"));
    assertEquals(1, card.calls.get("configurePort"));
    assertEquals(1, card.calls.get("powerOn"));
  }

  @Test
  void provisionWithoutStartLeavesTheHostStopped() {
    f.instances.provisionInstance(Specs.provision(false));
    Instance i = f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
    assertEquals(PowerState.POWER_STATE_OFF, i.getStatus().getPowerState());
    assertEquals(null, card.calls.get("powerOn"));
  }

  @Test
  void retriedProvisionReturnsTheExistingInstanceAndADifferentSpecIsRefused() {
    Instance first = f.instances.provisionInstance(Specs.provision(true));
    Instance again = f.instances.provisionInstance(Specs.provision(true));
    assertEquals(first.getCreateTime(), again.getCreateTime());
    assertEquals(first.getGeneration(), again.getGeneration());
    ProvisionInstanceRequest other = Specs.provision(true).toBuilder()
        .setSpec(Specs.instance().toBuilder().putLabels("team", "other")).build();
    assertEquals(Status.Code.ALREADY_EXISTS, code(() -> f.instances.provisionInstance(other)));
    ProvisionInstanceRequest otherId = Specs.provision(true).toBuilder().setInstanceId("i-2").build();
    assertEquals(Status.Code.ALREADY_EXISTS, code(() -> f.instances.provisionInstance(otherId)));
  }

  @Test
  void onlyCentos7ImagesAndPrivateImagesMadeFromThemAreSupported() {
    for (Image bad : List.of(Specs.centos("8.0"), Specs.centos("7.5"),
        Specs.centos("7.6").toBuilder().setOsFamily("Ubuntu").setOsVersion("22.04").build())) {
      assertLimit("IMAGE_NOT_SUPPORTED", () -> f.instances.provisionInstance(Specs.provision(true).toBuilder()
          .setSpec(Specs.instance().toBuilder().setImage(bad)).build()));
    }
    Image privateFromCentos8 = Image.newBuilder().setImageId("img-mine").setKind(ImageKind.IMAGE_KIND_PRIVATE)
        .setBaseImageId("img-centos-8.0").setOsFamily("CentOS").setOsVersion("8.0").build();
    assertLimit("IMAGE_NOT_SUPPORTED", () -> f.instances.provisionInstance(Specs.provision(true).toBuilder()
        .setSpec(Specs.instance().toBuilder().setImage(privateFromCentos8)).build()));
    Image privateFromCentos72 = privateFromCentos8.toBuilder().setBaseImageId("img-centos-7.2").setOsVersion("7.2")
        .build();
    Instance ok = f.instances.provisionInstance(Specs.provision(false).toBuilder()
        .setSpec(Specs.instance().toBuilder().setImage(privateFromCentos72)).build());
    assertEquals(ImageKind.IMAGE_KIND_PRIVATE, ok.getSpec().getImage().getKind());
  }

  @Test
  void systemDiskMustBeACloudDisk() {
    assertLimit("SYSTEM_DISK_MUST_BE_CLOUD_DISK", () -> f.instances.provisionInstance(Specs.provision(true)
        .toBuilder().setSpec(Specs.instance().toBuilder()
            .setBootDisk(BootDisk.newBuilder().setLocalDisk(LocalDisk.newBuilder().setDevice("nvme0n1")))).build()));
  }

  @Test
  void badFieldsAreNamed() {
    var spec = Specs.instance().toBuilder().setInstanceType("")
        .setPrimaryNic(Specs.nic("eni-1").toBuilder().setSubnetCidr("10.0.1.0/33").setMac("zz:00:00:00:00:01"))
        .build();
    assertInvalid(List.of("instance_id", "spec.instance_type", "spec.primary_nic.mac",
        "spec.primary_nic.subnet_cidr"), () -> f.instances.provisionInstance(
            ProvisionInstanceRequest.newBuilder().setInstanceId("").setSpec(spec).build()));
  }

  @Test
  void stopStartAndRebootDriveTheHost() {
    f.instances.provisionInstance(Specs.provision(true));
    Instance running = f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    Instance stopping = f.instances.stopInstance(StopInstanceRequest.newBuilder()
        .setGeneration(running.getGeneration()).build());
    assertEquals(running.getGeneration() + 1, stopping.getGeneration());
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
    f.instances.startInstance(StartInstanceRequest.getDefaultInstance());
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    f.instances.rebootInstance(RebootInstanceRequest.newBuilder().setRequestId("r-1").build());
    f.instances.rebootInstance(RebootInstanceRequest.newBuilder().setRequestId("r-1").build());
    AgentFixture.awaitTrue(() -> f.instances.getInstance(GetInstanceRequest.getDefaultInstance())
        .getStatus().getRebootCount() == 1, "one reboot");
    assertEquals(1, card.calls.get("reset"), "a retried reboot request resets once");
    assertEquals(Status.Code.ALREADY_EXISTS, code(() -> f.instances.stopInstance(
        StopInstanceRequest.newBuilder().setRequestId("r-1").build())));
  }

  @Test
  void aHostThatPowersItselfOffStaysStoppedUntilStarted() throws Exception {
    f.instances.provisionInstance(Specs.provision(true));
    Instance running = f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    card.hostPowersItselfOff();
    Instance stopped = f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
    assertEquals(DesiredPower.DESIRED_POWER_OFF, stopped.getDesiredPower());
    assertEquals(running.getGeneration() + 1, stopped.getGeneration());
    assertTrue(stopped.getStatus().getCommon().getConditionsList().stream()
        .anyMatch(c -> c.getReason().equals("STOPPED_BY_HOST")), stopped::toString);
    assertEquals(1, card.calls.get("powerOn"), "not powered on behind the user's back");

    f.close();
    f = new AgentFixture(dir, card);
    assertEquals(DesiredPower.DESIRED_POWER_OFF, f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED)
        .getDesiredPower(), "the stop is durable");
    f.instances.startInstance(StartInstanceRequest.getDefaultInstance());
    Instance again = f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    assertTrue(again.getStatus().getCommon().getConditionsList().stream()
        .noneMatch(c -> c.getReason().equals("STOPPED_BY_HOST")), again::toString);
    assertEquals(2, card.calls.get("powerOn"));
  }

  @Test
  void staleGenerationIsAborted() {
    Instance i = f.instances.provisionInstance(Specs.provision(true));
    f.instances.stopInstance(StopInstanceRequest.newBuilder().setGeneration(i.getGeneration()).build());
    assertEquals(Status.Code.ABORTED, code(() -> f.instances.startInstance(
        StartInstanceRequest.newBuilder().setGeneration(i.getGeneration()).build())));
    assertEquals(Status.Code.ABORTED, code(() -> f.instances.updateInstance(UpdateInstanceRequest.newBuilder()
        .setSpec(i.getSpec()).setGeneration(i.getGeneration()).build())));
  }

  @Test
  void updateChangesLabelsButRefusesAResize() {
    Instance i = f.instances.provisionInstance(Specs.provision(true));
    Instance updated = f.instances.updateInstance(UpdateInstanceRequest.newBuilder()
        .setSpec(i.getSpec().toBuilder().putLabels("env", "prod")).setGeneration(i.getGeneration()).build());
    assertEquals("prod", updated.getSpec().getLabelsOrThrow("env"));
    assertEquals(i.getGeneration() + 1, updated.getGeneration());
    assertLimit("RESIZE_NOT_SUPPORTED", () -> f.instances.updateInstance(UpdateInstanceRequest.newBuilder()
        .setSpec(updated.getSpec().toBuilder().setInstanceType("ebm.g6.16xlarge"))
        .setGeneration(updated.getGeneration()).build()));
  }

  @Test
  void powerCallsNeedAnInstance() {
    assertLimit("INSTANCE_NOT_PROVISIONED", () -> f.instances.startInstance(StartInstanceRequest.getDefaultInstance()));
    assertEquals(Status.Code.NOT_FOUND, code(() -> f.instances.getInstance(GetInstanceRequest.getDefaultInstance())));
  }

  @Test
  void deprovisionStopsDetachesAndScrubs() {
    f.instances.provisionInstance(Specs.provision(true));
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    assertInvalid(List.of("instance_id"), () -> f.instances.deprovisionInstance(
        DeprovisionInstanceRequest.getDefaultInstance()));
    assertEquals(Status.Code.NOT_FOUND, code(() -> f.instances.deprovisionInstance(
        DeprovisionInstanceRequest.newBuilder().setInstanceId("i-other").build())));
    assertEquals("", f.instances.deprovisionInstance(DeprovisionInstanceRequest.newBuilder()
        .setInstanceId("i-other").setAllowMissing(true).build()).getInstanceId());
    assertEquals(Status.Code.ABORTED, code(() -> f.instances.deprovisionInstance(
        DeprovisionInstanceRequest.newBuilder().setInstanceId("i-1").setGeneration(99).build())));
    assertTrue(card.power() == io.bmagent.card.PowerState.ON, "a refused deprovision left the host alone");
    assertEquals("i-1", f.instances.deprovisionInstance(DeprovisionInstanceRequest.newBuilder().setInstanceId("i-1")
        .build()).getInstanceId());
    AgentFixture.awaitTrue(() -> card.storage().list().isEmpty() && card.network().port().isEmpty(),
        "devices and port removed");
    assertEquals(io.bmagent.card.PowerState.OFF, card.power());
    assertEquals(Status.Code.NOT_FOUND, code(() -> f.instances.deprovisionInstance(
        DeprovisionInstanceRequest.newBuilder().setInstanceId("i-1").build())));
    assertEquals("", f.instances.deprovisionInstance(DeprovisionInstanceRequest.newBuilder().setInstanceId("i-1")
        .setAllowMissing(true).build()).getInstanceId());
  }
}
