package io.bmagent.domain;

import io.bmagent.api.v1.AclAction;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.NetworkAcl;
import io.bmagent.api.v1.NetworkAclEntry;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import java.util.HashSet;
import java.util.Set;

/** Validation of security groups and network ACLs. */
final class PolicySpecs {

  static final int MAX_RULES = 1000;
  static final int MAX_ACL_ENTRIES = 200;
  static final int MAX_DESCRIPTION = 256;

  private PolicySpecs() {}

  static void validate(SecurityGroup g, Violations v) {
    v.id("security_group.security_group_id", g.getSecurityGroupId(), 64);
    v.text("security_group.description", g.getDescription(), MAX_DESCRIPTION);
    if (g.getRulesCount() > MAX_RULES) {
      v.add("security_group.rules", "at most " + MAX_RULES + " rules, got " + g.getRulesCount());
      return;
    }
    for (int i = 0; i < g.getRulesCount(); i++) {
      SecurityGroupRule r = g.getRules(i);
      String f = "security_group.rules[" + i + "]";
      direction(f, r.getDirection(), v);
      match(f, r.getProtocol(), r.hasPorts(), r.getPorts(), r.getRemoteCidr(), v);
      v.text(f + ".description", r.getDescription(), MAX_DESCRIPTION);
    }
  }

  static void validate(NetworkAcl acl, Violations v) {
    v.id("acl.acl_id", acl.getAclId(), 64);
    if (acl.getEntriesCount() > MAX_ACL_ENTRIES) {
      v.add("acl.entries", "at most " + MAX_ACL_ENTRIES + " entries, got " + acl.getEntriesCount());
      return;
    }
    Set<String> priorities = new HashSet<>();
    for (int i = 0; i < acl.getEntriesCount(); i++) {
      NetworkAclEntry e = acl.getEntries(i);
      String f = "acl.entries[" + i + "]";
      v.range(f + ".priority", e.getPriority(), 1, 32766);
      direction(f, e.getDirection(), v);
      if (!priorities.add(e.getDirection() + "/" + e.getPriority())) {
        v.add(f + ".priority", "duplicate priority " + e.getPriority() + " for " + e.getDirection());
      }
      if (e.getAction() != AclAction.ACL_ACTION_ALLOW && e.getAction() != AclAction.ACL_ACTION_DENY) {
        v.add(f + ".action", "must be ALLOW or DENY");
      }
      match(f, e.getProtocol(), e.hasPorts(), e.getPorts(), e.getRemoteCidr(), v);
    }
  }

  private static void direction(String f, Direction d, Violations v) {
    if (d != Direction.DIRECTION_INGRESS && d != Direction.DIRECTION_EGRESS) {
      v.add(f + ".direction", "must be INGRESS or EGRESS");
    }
  }

  private static void match(String f, Protocol p, boolean hasPorts, PortRange ports, String cidr, Violations v) {
    if (p == Protocol.PROTOCOL_UNSPECIFIED || p == Protocol.UNRECOGNIZED) {
      v.add(f + ".protocol", "must be ALL, TCP, UDP or ICMP");
    }
    if (hasPorts) {
      if (p != Protocol.PROTOCOL_TCP && p != Protocol.PROTOCOL_UDP) {
        v.add(f + ".ports", "only TCP and UDP rules have ports");
      } else if (ports.getFrom() < 1 || ports.getTo() > 65535 || ports.getFrom() > ports.getTo()) {
        v.add(f + ".ports", "must be from 1..65535 with from <= to, got " + ports.getFrom() + "-" + ports.getTo());
      }
    }
    v.cidr(f + ".remote_cidr", cidr);
  }
}
