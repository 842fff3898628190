package io.bmagent.api;

import static io.bmagent.testing.AgentFixture.assertInvalid;
import static io.bmagent.testing.AgentFixture.assertLimit;
import static io.bmagent.testing.AgentFixture.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AclAction;
import io.bmagent.api.v1.AssociateElasticIpRequest;
import io.bmagent.api.v1.CreateNetworkInterfaceRequest;
import io.bmagent.api.v1.DeleteNetworkAclRequest;
import io.bmagent.api.v1.DeleteNetworkInterfaceRequest;
import io.bmagent.api.v1.DeleteSecurityGroupRequest;
import io.bmagent.api.v1.DeleteVpcMappingsRequest;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.DisassociateElasticIpRequest;
import io.bmagent.api.v1.GetNetworkInterfaceRequest;
import io.bmagent.api.v1.ListSecurityGroupsRequest;
import io.bmagent.api.v1.ListVpcMappingsRequest;
import io.bmagent.api.v1.ListVpcMappingsResponse;
import io.bmagent.api.v1.NetworkAcl;
import io.bmagent.api.v1.NetworkAclEntry;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.NetworkInterfacePhase;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.PutNetworkAclRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.bmagent.api.v1.UpdateNetworkInterfaceRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VpcGateway;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.api.v1.VpcMappingKey;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.AgentTestCase;
import io.bmagent.testing.Specs;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkApiTest extends AgentTestCase {

  @Test
  void nicWithGroupsAclAndElasticIpIsCompiledOntoTheCard() {
    SecurityGroup sg = f.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder()
        .setSecurityGroup(Specs.sshFrom("203.0.113.0/24")).build());
    assertEquals(1, sg.getGeneration());
    f.network.putNetworkAcl(PutNetworkAclRequest.newBuilder().setAcl(NetworkAcl.newBuilder().setAclId("acl-1")
        .addEntries(NetworkAclEntry.newBuilder().setPriority(10).setDirection(Direction.DIRECTION_INGRESS)
            .setAction(AclAction.ACL_ACTION_DENY).setProtocol(Protocol.PROTOCOL_ALL).setRemoteCidr("198.51.100.0/24"))
        .addEntries(NetworkAclEntry.newBuilder().setPriority(100).setDirection(Direction.DIRECTION_INGRESS)
            .setAction(AclAction.ACL_ACTION_ALLOW).setProtocol(Protocol.PROTOCOL_ALL).setRemoteCidr("0.0.0.0/0"))
        .addEntries(NetworkAclEntry.newBuilder().setPriority(100).setDirection(Direction.DIRECTION_EGRESS)
            .setAction(AclAction.ACL_ACTION_ALLOW).setProtocol(Protocol.PROTOCOL_ALL).setRemoteCidr("0.0.0.0/0")))
        .build());
    NetworkInterface nic = f.network.createNetworkInterface(CreateNetworkInterfaceRequest.newBuilder()
        .setSpec(Specs.nic("eni-1").toBuilder().addSecurityGroupIds("sg-ssh").setAclId("acl-1")).build());
    assertEquals(1450, nic.getSpec().getMtu(), "default MTU leaves room for VXLAN");
    f.network.associateElasticIp(AssociateElasticIpRequest.newBuilder().setNicId("eni-1")
        .setPublicIp("203.0.113.50").build());
    AgentFixture.awaitTrue(() -> card.network().rules().size() == 5, "5 rules on the card");
    assertTrue(card.network().rules().stream().anyMatch(r -> r.table() == PolicyTable.NAT
        && r.action() == RuleAction.NAT && r.translated().toString().equals("203.0.113.50")));
    AgentFixture.awaitTrue(() -> f.network.getNetworkInterface(GetNetworkInterfaceRequest.newBuilder()
        .setNicId("eni-1").build()).getStatus().getPhase() == NetworkInterfacePhase.NETWORK_INTERFACE_PHASE_READY,
        "nic ready");

    f.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(Specs.sshFrom("192.0.2.0/24")
        .toBuilder().setGeneration(1)).build());
    AgentFixture.awaitTrue(() -> card.network().rules().stream().anyMatch(r -> r.table() == PolicyTable.SG_INGRESS
        && r.remote().toString().equals("192.0.2.0/24")), "group change applied");
    assertEquals(Status.Code.ABORTED, code(() -> f.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder()
        .setSecurityGroup(Specs.sshFrom("10.9.0.0/16").toBuilder().setGeneration(1)).build())));
    assertLimit("RESOURCE_IN_USE", () -> f.network.deleteSecurityGroup(DeleteSecurityGroupRequest.newBuilder()
        .setSecurityGroupId("sg-ssh").build()));
    assertLimit("RESOURCE_IN_USE", () -> f.network.deleteNetworkAcl(DeleteNetworkAclRequest.newBuilder()
        .setAclId("acl-1").build()));
    assertEquals(1, f.network.listSecurityGroups(ListSecurityGroupsRequest.getDefaultInstance())
        .getSecurityGroupsCount());

    f.network.disassociateElasticIp(DisassociateElasticIpRequest.newBuilder().setNicId("eni-1").build());
    f.network.deleteNetworkInterface(DeleteNetworkInterfaceRequest.newBuilder().setNicId("eni-1").build());
    AgentFixture.awaitTrue(() -> card.network().port().isEmpty() && card.network().rules().isEmpty(), "port gone");
    f.network.deleteSecurityGroup(DeleteSecurityGroupRequest.newBuilder().setSecurityGroupId("sg-ssh").build());
    f.network.deleteSecurityGroup(DeleteSecurityGroupRequest.newBuilder().setSecurityGroupId("sg-ssh")
        .setAllowMissing(true).build());
    f.network.deleteNetworkAcl(DeleteNetworkAclRequest.newBuilder().setAclId("acl-1").build());
    assertEquals(Status.Code.NOT_FOUND, code(() -> f.network.deleteNetworkAcl(DeleteNetworkAclRequest.newBuilder()
        .setAclId("acl-1").build())));
  }

  @Test
  void oneNicOnly() {
    f.network.createNetworkInterface(CreateNetworkInterfaceRequest.newBuilder().setSpec(Specs.nic("eni-1")).build());
    f.network.createNetworkInterface(CreateNetworkInterfaceRequest.newBuilder().setSpec(Specs.nic("eni-1")).build());
    assertLimit("SINGLE_NIC_ONLY", () -> f.network.createNetworkInterface(CreateNetworkInterfaceRequest.newBuilder()
        .setSpec(Specs.nic("eni-2").toBuilder().setMac("02:00:00:00:00:02")).build()));
  }

  @Test
  void nicUpdateChecksGenerationAndImmutableFields() {
    NetworkInterface nic = f.network.createNetworkInterface(CreateNetworkInterfaceRequest.newBuilder()
        .setSpec(Specs.nic("eni-1")).build());
    NetworkInterface updated = f.network.updateNetworkInterface(UpdateNetworkInterfaceRequest.newBuilder()
        .setSpec(nic.getSpec().toBuilder().setMtu(1400)).setGeneration(1).build());
    assertEquals(2, updated.getGeneration());
    assertEquals(Status.Code.ABORTED, code(() -> f.network.updateNetworkInterface(UpdateNetworkInterfaceRequest
        .newBuilder().setSpec(nic.getSpec()).setGeneration(1).build())));
    assertInvalid(List.of("spec.private_ipv4"), () -> f.network.updateNetworkInterface(UpdateNetworkInterfaceRequest
        .newBuilder().setSpec(updated.getSpec().toBuilder().setPrivateIpv4("10.0.1.11")).setGeneration(2).build()));
  }

  @Test
  void badRulesAreNamed() {
    SecurityGroup bad = SecurityGroup.newBuilder().setSecurityGroupId("sg-1").addRules(SecurityGroupRule.newBuilder()
        .setDirection(Direction.DIRECTION_INGRESS).setProtocol(Protocol.PROTOCOL_ICMP)
        .setPorts(PortRange.newBuilder().setFrom(1).setTo(2)).setRemoteCidr("10.0.0.1/8")).build();
    assertInvalid(List.of("security_group.rules[0].ports", "security_group.rules[0].remote_cidr"),
        () -> f.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(bad).build()));
    assertInvalid(List.of("public_ip"), () -> f.network.associateElasticIp(AssociateElasticIpRequest.newBuilder()
        .setNicId("eni-1").setPublicIp("10.1.2.3").build()));
  }

  @Test
  void mappingsAreUpsertedInBulkPagedAndDeleted() {
    UpsertVpcMappingsRequest.Builder req = UpsertVpcMappingsRequest.newBuilder()
        .addGateways(VpcGateway.newBuilder().setVni(1001).setUnderlayIp("127.0.0.9").setMac("02:00:00:00:ff:01"));
    for (int i = 0; i < 2500; i++) {
      req.addMappings(VpcMapping.newBuilder().setVni(1001).setIp("10.0." + (i / 250) + "." + (i % 250 + 1))
          .setMac(String.format("02:00:00:01:%02x:%02x", i / 256, i % 256)).setUnderlayIp("127.0.0.3"));
    }
    long version = f.network.upsertVpcMappings(req.build()).getTableVersion();
    assertEquals(1, version);
    ListVpcMappingsResponse p1 = f.network.listVpcMappings(ListVpcMappingsRequest.newBuilder().setPageSize(1000)
        .build());
    assertEquals(1000, p1.getMappingsCount());
    assertEquals(1, p1.getGatewaysCount());
    ListVpcMappingsResponse p3 = f.network.listVpcMappings(ListVpcMappingsRequest.newBuilder().setPageSize(1000)
        .setPageToken(f.network.listVpcMappings(ListVpcMappingsRequest.newBuilder().setPageSize(1000)
            .setPageToken(p1.getNextPageToken()).build()).getNextPageToken()).build());
    assertEquals(500, p3.getMappingsCount());
    assertEquals("", p3.getNextPageToken());
    AgentFixture.awaitTrue(() -> card.network().mappings().size() == 2500, "mappings on the card");
    var del = f.network.deleteVpcMappings(DeleteVpcMappingsRequest.newBuilder()
        .addKeys(VpcMappingKey.newBuilder().setVni(1001).setIp("10.0.0.1"))
        .addKeys(VpcMappingKey.newBuilder().setVni(1001).setIp("10.0.99.1")).build());
    assertEquals(1, del.getDeleted());
    AgentFixture.awaitTrue(() -> card.network().mappings().size() == 2499, "deleted on the card");
    assertInvalid(List.of("mappings[0].mac"), () -> f.network.upsertVpcMappings(UpsertVpcMappingsRequest.newBuilder()
        .addMappings(VpcMapping.newBuilder().setVni(7).setIp("10.0.0.1").setMac("ff:ff:ff:ff:ff:ff")
            .setUnderlayIp("127.0.0.3")).build()));
  }
}
