package io.bmagent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AclAction;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.ElasticIpAssociation;
import io.bmagent.api.v1.NetworkAcl;
import io.bmagent.api.v1.NetworkAclEntry;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import io.bmagent.testing.Specs;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyCompilerTest {

  @Test
  void aNicWithoutAnAclGetsOneAllowAllEntryPerDirection() {
    Set<PolicyRule> rules = PolicyCompiler.compile(Specs.nic("eni-1"), Map.of(), Map.of(), Optional.empty());
    assertEquals(Set.of(
        new PolicyRule(PolicyTable.ACL_INGRESS, PolicyCompiler.NO_ACL_PRIORITY, Protocol.ALL, Ipv4Prefix.ANY,
            PortRange.ALL, RuleAction.ALLOW, Ipv4Address.ANY),
        new PolicyRule(PolicyTable.ACL_EGRESS, PolicyCompiler.NO_ACL_PRIORITY, Protocol.ALL, Ipv4Prefix.ANY,
            PortRange.ALL, RuleAction.ALLOW, Ipv4Address.ANY)), rules);
  }

  @Test
  void groupsAreAUnionAndTheAclAndNatCompileToTheirTables() {
    SecurityGroup a = Specs.sshFrom("203.0.113.0/24").toBuilder().setSecurityGroupId("sg-a").build();
    SecurityGroup b = Specs.sshFrom("203.0.113.0/24").toBuilder().setSecurityGroupId("sg-b").build();
    NetworkAcl acl = NetworkAcl.newBuilder().setAclId("acl-1").addEntries(NetworkAclEntry.newBuilder()
        .setPriority(5).setDirection(Direction.DIRECTION_EGRESS).setAction(AclAction.ACL_ACTION_DENY)
        .setProtocol(io.bmagent.api.v1.Protocol.PROTOCOL_UDP).setRemoteCidr("0.0.0.0/0")).build();
    var nic = Specs.nic("eni-1").toBuilder().addSecurityGroupIds("sg-a").addSecurityGroupIds("sg-b")
        .setAclId("acl-1").build();
    Set<PolicyRule> rules = PolicyCompiler.compile(nic, Map.of("sg-a", a, "sg-b", b), Map.of("acl-1", acl),
        Optional.of(ElasticIpAssociation.newBuilder().setNicId("eni-1").setPublicIp("198.51.100.7").build()));
    assertEquals(3, rules.size(), rules.toString());
    assertTrue(rules.contains(new PolicyRule(PolicyTable.SG_INGRESS, 0, Protocol.TCP,
        Ipv4Prefix.parse("203.0.113.0/24"), PortRange.single(22), RuleAction.ALLOW, Ipv4Address.ANY)));
    assertTrue(rules.contains(new PolicyRule(PolicyTable.ACL_EGRESS, 5, Protocol.UDP, Ipv4Prefix.ANY,
        PortRange.ALL, RuleAction.DENY, Ipv4Address.ANY)));
    assertTrue(rules.contains(new PolicyRule(PolicyTable.NAT, 0, Protocol.ALL, Ipv4Prefix.parse("10.0.1.10/32"),
        PortRange.ALL, RuleAction.NAT, Ipv4Address.parse("198.51.100.7"))));
  }
}
