package io.bmagent.policy;

import io.bmagent.api.v1.AclAction;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.ElasticIpAssociation;
import io.bmagent.api.v1.NetworkAcl;
import io.bmagent.api.v1.NetworkAclEntry;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Compiles the NIC's policy into card rules. The inputs were validated when they were accepted. */
public final class PolicyCompiler {

  /**
   * The priority of the allow-all entry that stands for "no ACL": the ACL stage denies by default, so a NIC without
   * an ACL gets one entry that lets everything on to the security groups.
   */
  public static final int NO_ACL_PRIORITY = 32767;

  private PolicyCompiler() {}

  public static Set<PolicyRule> compile(NetworkInterfaceSpec nic, Map<String, SecurityGroup> groups,
      Map<String, NetworkAcl> acls, Optional<ElasticIpAssociation> elasticIp) {
    Set<PolicyRule> rules = new LinkedHashSet<>();
    NetworkAcl acl = nic.getAclId().isEmpty() ? null : acls.get(nic.getAclId());
    if (acl == null) {
      for (PolicyTable t : new PolicyTable[] {PolicyTable.ACL_INGRESS, PolicyTable.ACL_EGRESS}) {
        rules.add(new PolicyRule(t, NO_ACL_PRIORITY, Protocol.ALL, Ipv4Prefix.ANY, PortRange.ALL, RuleAction.ALLOW,
            Ipv4Address.ANY));
      }
    } else {
      for (NetworkAclEntry e : acl.getEntriesList()) {
        rules.add(new PolicyRule(
            e.getDirection() == Direction.DIRECTION_INGRESS ? PolicyTable.ACL_INGRESS : PolicyTable.ACL_EGRESS,
            e.getPriority(), protocol(e.getProtocol()), Ipv4Prefix.parse(e.getRemoteCidr()),
            ports(e.hasPorts(), e.getPorts()),
            e.getAction() == AclAction.ACL_ACTION_ALLOW ? RuleAction.ALLOW : RuleAction.DENY, Ipv4Address.ANY));
      }
    }
    // Groups apply as a union: the same rule in two groups is one entry on the card.
    for (String id : nic.getSecurityGroupIdsList()) {
      SecurityGroup g = groups.get(id);
      if (g == null) {
        continue;
      }
      for (SecurityGroupRule r : g.getRulesList()) {
        rules.add(new PolicyRule(
            r.getDirection() == Direction.DIRECTION_INGRESS ? PolicyTable.SG_INGRESS : PolicyTable.SG_EGRESS,
            0, protocol(r.getProtocol()), Ipv4Prefix.parse(r.getRemoteCidr()), ports(r.hasPorts(), r.getPorts()),
            RuleAction.ALLOW, Ipv4Address.ANY));
      }
    }
    if (elasticIp.isPresent() && elasticIp.get().getNicId().equals(nic.getNicId())) {
      rules.add(new PolicyRule(PolicyTable.NAT, 0, Protocol.ALL,
          Ipv4Prefix.host(Ipv4Address.parse(nic.getPrivateIpv4())), PortRange.ALL, RuleAction.NAT,
          Ipv4Address.parse(elasticIp.get().getPublicIp())));
    }
    return rules;
  }

  static Protocol protocol(io.bmagent.api.v1.Protocol p) {
    return switch (p) {
      case PROTOCOL_TCP -> Protocol.TCP;
      case PROTOCOL_UDP -> Protocol.UDP;
      case PROTOCOL_ICMP -> Protocol.ICMP;
      default -> Protocol.ALL;
    };
  }

  private static PortRange ports(boolean has, io.bmagent.api.v1.PortRange p) {
    return has ? new PortRange(p.getFrom(), p.getTo()) : PortRange.ALL;
  }
}
