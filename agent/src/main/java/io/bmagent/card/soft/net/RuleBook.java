package io.bmagent.card.soft.net;

import io.bmagent.card.CardException;
import io.bmagent.card.CardInfo;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The port's rules as the control plane gave them, with the checks a hardware table would make: capacity, the
 * shape of each table's rules, unique ACL priorities and one-to-one NAT.
 */
final class RuleBook {

  private final Set<PolicyRule> rules = new LinkedHashSet<>();
  /** The rule holding each unique slot: an ACL priority, a NAT private address, a NAT elastic address. */
  private final Map<String, PolicyRule> slots = new HashMap<>();
  private int aclCount;

  Collection<PolicyRule> all() {
    return rules;
  }

  /** Adds a rule; adding one already present is a no-op. */
  void add(PolicyRule r, CardInfo.Limits limits) {
    if (rules.contains(r)) {
      return;
    }
    check(r);
    boolean acl = isAcl(r.table());
    if (acl ? aclCount >= limits.maxAclEntries() : rules.size() - aclCount >= limits.maxPolicyRules()) {
      throw new CardException(CardException.Reason.NO_SPACE, (acl ? "ACL" : "policy") + " table full: " + r);
    }
    for (String slot : slots(r)) {
      PolicyRule holder = slots.get(slot);
      if (holder != null) {
        throw new CardException(CardException.Reason.ALREADY_EXISTS, "conflicts with " + holder + ": " + r);
      }
    }
    for (String slot : slots(r)) {
      slots.put(slot, r);
    }
    rules.add(r);
    if (acl) {
      aclCount++;
    }
  }

  void remove(PolicyRule r) {
    if (rules.remove(r)) {
      slots(r).forEach(slots::remove);
      if (isAcl(r.table())) {
        aclCount--;
      }
    }
  }

  void clear() {
    rules.clear();
    slots.clear();
    aclCount = 0;
  }

  private static boolean isAcl(PolicyTable t) {
    return t == PolicyTable.ACL_INGRESS || t == PolicyTable.ACL_EGRESS;
  }

  private static Set<String> slots(PolicyRule r) {
    return switch (r.table()) {
      case ACL_INGRESS, ACL_EGRESS -> Set.of(r.table() + "#" + r.priority());
      case NAT -> Set.of("nat-private#" + r.remote().network(), "nat-elastic#" + r.translated());
      default -> Set.of();
    };
  }

  private static void check(PolicyRule r) {
    boolean nat = r.table() == PolicyTable.NAT;
    if (nat != (r.action() == RuleAction.NAT)) {
      throw invalid("NAT rules belong in the NAT table and only there", r);
    }
    if (nat && (r.remote().length() != 32 || r.translated().equals(Ipv4Address.ANY))) {
      throw invalid("a NAT rule maps a private /32 to an elastic IP", r);
    }
    if (!nat && !r.translated().equals(Ipv4Address.ANY)) {
      throw invalid("only NAT rules translate", r);
    }
    if ((r.table() == PolicyTable.SG_INGRESS || r.table() == PolicyTable.SG_EGRESS)
        && r.action() != RuleAction.ALLOW) {
      throw invalid("security groups only allow", r);
    }
    if (!r.protocol().hasPorts() && !r.ports().equals(PortRange.ALL)
        && r.protocol() != Protocol.ALL) {
      throw invalid("ports apply to TCP and UDP only", r);
    }
  }

  private static CardException invalid(String why, PolicyRule r) {
    return new CardException(CardException.Reason.INVALID, why + ": " + r);
  }
}
