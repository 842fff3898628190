package io.bmagent.api;

import static io.bmagent.testing.AgentFixture.assertInvalid;
import static io.bmagent.testing.AgentFixture.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import io.bmagent.api.v1.AssociateElasticIpRequest;
import io.bmagent.api.v1.CreateNetworkInterfaceRequest;
import io.bmagent.api.v1.DeleteNetworkAclRequest;
import io.bmagent.api.v1.DeleteNetworkInterfaceRequest;
import io.bmagent.api.v1.DeleteSecurityGroupRequest;
import io.bmagent.api.v1.DeleteVpcMappingsRequest;
import io.bmagent.api.v1.DetachVolumeRequest;
import io.bmagent.api.v1.DisassociateElasticIpRequest;
import io.bmagent.api.v1.ElasticIpAssociation;
import io.bmagent.api.v1.GetNetworkInterfaceRequest;
import io.bmagent.api.v1.GetVolumeRequest;
import io.bmagent.api.v1.ListSecurityGroupsRequest;
import io.bmagent.api.v1.ListVolumesRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.ThawVolumesRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VpcGateway;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.api.v1.VpcMappingKey;
import io.bmagent.api.v1.WatchEventsRequest;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What used to be accepted silently, or answered as if it were a missing resource, is refused and named. */
class SilentAcceptanceTest {

  @TempDir Path dir;
  AgentFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new AgentFixture(dir, new MemoryCard());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void emptyIdsAreInvalidNotMissing() {
    assertInvalid(List.of("volume_id"), () -> f.volumes.getVolume(GetVolumeRequest.getDefaultInstance()));
    assertInvalid(List.of("volume_id"), () -> f.volumes.detachVolume(DetachVolumeRequest.newBuilder()
        .setAllowMissing(true).build()));
    assertInvalid(List.of("volume_ids[1]"), () -> f.volumes.thawVolumes(ThawVolumesRequest.newBuilder()
        .addVolumeIds("vol-1").addVolumeIds("").build()));
    assertInvalid(List.of("nic_id"), () -> f.network.getNetworkInterface(GetNetworkInterfaceRequest
        .getDefaultInstance()));
    assertInvalid(List.of("nic_id"), () -> f.network.deleteNetworkInterface(DeleteNetworkInterfaceRequest
        .getDefaultInstance()));
    assertInvalid(List.of("security_group_id"), () -> f.network.deleteSecurityGroup(DeleteSecurityGroupRequest
        .newBuilder().setAllowMissing(true).build()));
    assertInvalid(List.of("acl_id"), () -> f.network.deleteNetworkAcl(DeleteNetworkAclRequest.getDefaultInstance()));
    assertInvalid(List.of("nic_id"), () -> f.network.disassociateElasticIp(DisassociateElasticIpRequest
        .getDefaultInstance()));
    // A well-formed id that names nothing is still NOT_FOUND.
    assertEquals(Status.Code.NOT_FOUND, code(() -> f.volumes.getVolume(GetVolumeRequest.newBuilder()
        .setVolumeId("vol-9").build())));
  }

  @Test
  void oversizedFieldsAreInvalidArgumentNamingTheField() {
    assertInvalid(List.of("security_group.description"), () -> f.network.putSecurityGroup(
        PutSecurityGroupRequest.newBuilder().setSecurityGroup(Specs.sshFrom("203.0.113.0/24").toBuilder()
            .setDescription("x".repeat(5 << 20))).build()));
    assertInvalid(List.of("spec.labels[team]"), () -> f.instances.provisionInstance(Specs.provision(false)
        .toBuilder().setSpec(Specs.instance().toBuilder().putLabels("team", "x".repeat(257))).build()));
    assertInvalid(List.of("spec.image.image_id"), () -> f.instances.provisionInstance(Specs.provision(false)
        .toBuilder().setSpec(Specs.instance().toBuilder().setImage(Specs.centos("7.6").toBuilder()
            .setImageId("i".repeat(129)))).build()));
    assertInvalid(List.of("spec.primary_nic.dns_servers"), () -> f.instances.provisionInstance(Specs.provision(false)
        .toBuilder().setSpec(Specs.instance().toBuilder().setPrimaryNic(Specs.nic("eni-1").toBuilder()
            .addDnsServers("10.0.0.3").addDnsServers("10.0.0.4").addDnsServers("10.0.0.5").addDnsServers("10.0.0.6")))
        .build()));
    assertInvalid(List.of("page_size"), () -> f.network.listSecurityGroups(ListSecurityGroupsRequest.newBuilder()
        .setPageSize(-1).build()));
    assertInvalid(List.of("page_token"), () -> f.volumes.listVolumes(ListVolumesRequest.newBuilder()
        .setPageToken("bm90LW91cnM").build()));
  }

  @Test
  void unknownEventTypesAreRefusedInsteadOfFilteringEverything() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> f.agentService.watchEvents(
        WatchEventsRequest.newBuilder().addResourceTypes("volume").addResourceTypes("volumes").build()).hasNext());
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("resource_types[1]"), e.toString());
  }

  @Test
  void emptyMappingCallsLeaveTheTableVersionAlone() {
    long v0 = f.network.upsertVpcMappings(UpsertVpcMappingsRequest.newBuilder().addMappings(mapping(1, 5)).build())
        .getTableVersion();
    assertEquals(v0, f.network.upsertVpcMappings(UpsertVpcMappingsRequest.getDefaultInstance()).getTableVersion());
    assertEquals(v0, f.network.deleteVpcMappings(DeleteVpcMappingsRequest.getDefaultInstance()).getTableVersion());
    assertEquals(0, f.network.deleteVpcMappings(DeleteVpcMappingsRequest.getDefaultInstance()).getDeleted());
  }

  @Test
  void duplicateKeysInOneBatchAreRefusedNamingTheEntries() {
    assertInvalid(List.of("mappings[2]"), () -> f.network.upsertVpcMappings(UpsertVpcMappingsRequest.newBuilder()
        .addMappings(mapping(1, 5)).addMappings(mapping(1, 6)).addMappings(mapping(1, 5).toBuilder()
            .setUnderlayIp("192.0.2.99")).build()));
    assertInvalid(List.of("gateways[1]"), () -> f.network.upsertVpcMappings(UpsertVpcMappingsRequest.newBuilder()
        .addGateways(gateway(7)).addGateways(gateway(7)).build()));
    assertInvalid(List.of("keys[1]"), () -> f.network.deleteVpcMappings(DeleteVpcMappingsRequest.newBuilder()
        .addKeys(VpcMappingKey.newBuilder().setVni(1).setIp("10.0.1.5"))
        .addKeys(VpcMappingKey.newBuilder().setVni(1).setIp("10.0.1.5")).build()));
    // Nothing of a refused batch was stored.
    assertEquals(0, f.network.deleteVpcMappings(DeleteVpcMappingsRequest.newBuilder()
        .addKeys(VpcMappingKey.newBuilder().setVni(1).setIp("10.0.1.5")).build()).getDeleted());
  }

  @Test
  void anotherElasticIpNeedsTheCurrentGeneration() {
    f.network.createNetworkInterface(CreateNetworkInterfaceRequest.newBuilder().setSpec(Specs.nic("eni-1")).build());
    ElasticIpAssociation first = f.network.associateElasticIp(AssociateElasticIpRequest.newBuilder()
        .setNicId("eni-1").setPublicIp("203.0.113.50").build());
    assertEquals(first, f.network.associateElasticIp(AssociateElasticIpRequest.newBuilder()
        .setNicId("eni-1").setPublicIp("203.0.113.50").build()), "the same address again is a no-op");

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> f.network.associateElasticIp(
        AssociateElasticIpRequest.newBuilder().setNicId("eni-1").setPublicIp("203.0.113.51").build()));
    assertEquals(Status.Code.ALREADY_EXISTS, e.getStatus().getCode());
    ErrorInfo info = info(e);
    assertEquals("ELASTIC_IP_ASSOCIATED", info.getReason());
    assertEquals("203.0.113.50", info.getMetadataMap().get("public_ip"));
    assertEquals("1", info.getMetadataMap().get("generation"));

    assertEquals(Status.Code.ABORTED, code(() -> f.network.associateElasticIp(AssociateElasticIpRequest.newBuilder()
        .setNicId("eni-1").setPublicIp("203.0.113.51").setGeneration(7).build())));
    ElasticIpAssociation replaced = f.network.associateElasticIp(AssociateElasticIpRequest.newBuilder()
        .setNicId("eni-1").setPublicIp("203.0.113.51").setGeneration(first.getGeneration()).build());
    assertEquals("203.0.113.51", replaced.getPublicIp());
    assertEquals(2, replaced.getGeneration());

    f.network.disassociateElasticIp(DisassociateElasticIpRequest.newBuilder().setNicId("eni-1").build());
    assertEquals("203.0.113.52", f.network.associateElasticIp(AssociateElasticIpRequest.newBuilder()
        .setNicId("eni-1").setPublicIp("203.0.113.52").build()).getPublicIp(), "after disassociating, no guard");
  }

  static VpcMapping mapping(int vni, int host) {
    return VpcMapping.newBuilder().setVni(vni).setIp("10.0.1." + host).setMac("02:00:00:00:01:" + (10 + host))
        .setUnderlayIp("192.0.2." + host).build();
  }

  static VpcGateway gateway(int vni) {
    return VpcGateway.newBuilder().setVni(vni).setUnderlayIp("192.0.2.1").setMac("02:00:00:00:00:fe").build();
  }

  private static ErrorInfo info(StatusRuntimeException e) {
    for (var any : StatusProto.fromThrowable(e).getDetailsList()) {
      if (any.is(ErrorInfo.class)) {
        try {
          return any.unpack(ErrorInfo.class);
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    throw new AssertionError("no ErrorInfo in " + e);
  }
}
