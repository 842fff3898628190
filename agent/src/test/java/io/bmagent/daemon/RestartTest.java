package io.bmagent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ListSecurityGroupsRequest;
import io.bmagent.api.v1.ListVolumesRequest;
import io.bmagent.api.v1.ListVpcMappingsRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent stopped and started again on the same state converges without redoing what the card has. */
class RestartTest {

  @TempDir Path dir;

  @Test
  void acknowledgedChangesSurviveARestartAndTheCardIsNotTouchedAgain() throws Exception {
    MemoryCard card = new MemoryCard();
    long generation;
    try (AgentFixture f = new AgentFixture(dir, card)) {
      f.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder()
          .setSecurityGroup(Specs.sshFrom("203.0.113.0/24")).build());
      f.instances.provisionInstance(Specs.provision(false).toBuilder().setSpec(Specs.instance().toBuilder()
          .setPrimaryNic(Specs.nic("eni-1").toBuilder().addSecurityGroupIds("sg-ssh"))).build());
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
      f.volumes.attachVolume(AttachVolumeRequest.newBuilder()
          .setSpec(Specs.volume("vol-d1", VolumeRole.VOLUME_ROLE_DATA)).build());
      UpsertVpcMappingsRequest.Builder m = UpsertVpcMappingsRequest.newBuilder();
      for (int i = 1; i <= 200; i++) {
        m.addMappings(VpcMapping.newBuilder().setVni(1001).setIp("10.0.2." + i).setMac("02:00:00:00:02:01")
            .setUnderlayIp("127.0.0.3"));
      }
      f.network.upsertVpcMappings(m.build());
      generation = f.instances.startInstance(StartInstanceRequest.getDefaultInstance()).getGeneration();
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
      AgentFixture.awaitTrue(() -> card.network().mappings().size() == 200, "mappings applied");
    }
    card.resetCounts();
    try (AgentFixture f = new AgentFixture(dir, card)) {
      var inst = f.instances.getInstance(GetInstanceRequest.getDefaultInstance());
      assertEquals(generation, inst.getGeneration());
      assertEquals(InstancePhase.INSTANCE_PHASE_RUNNING, inst.getStatus().getPhase());
      assertEquals(2, f.volumes.listVolumes(ListVolumesRequest.getDefaultInstance()).getVolumesCount());
      assertEquals(1, f.network.listSecurityGroups(ListSecurityGroupsRequest.getDefaultInstance())
          .getSecurityGroupsCount());
      assertEquals(200, f.network.listVpcMappings(ListVpcMappingsRequest.getDefaultInstance()).getMappingsCount());
      assertEquals(0, card.mutations(), "redundant card calls after restart: " + card.calls);
      assertEquals("ok", f.agent.store().integrityCheck());
    }
  }
}
