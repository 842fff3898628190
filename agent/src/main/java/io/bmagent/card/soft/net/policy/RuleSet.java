package io.bmagent.card.soft.net.policy;

import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.atomic.LongAdder;

/**
 * The policy tables compiled for lookup: each ACL as an array in priority order (first match wins), each
 * security-group table as an array (any match allows; order is irrelevant because they only allow), and NAT as two
 * maps between private and elastic addresses.
 */
public final class RuleSet {

  public static final RuleSet EMPTY = new RuleSet(List.of(), r -> new LongAdder());

  private final CompiledRule[] aclIngress;
  private final CompiledRule[] aclEgress;
  private final CompiledRule[] sgIngress;
  private final CompiledRule[] sgEgress;
  private final Map<Integer, CompiledRule> snat = new HashMap<>();
  private final Map<Integer, CompiledRule> dnat = new HashMap<>();

  /**
   * @param counters the hit counter of each rule, kept by the caller so that counts survive recompilation
   */
  public RuleSet(Collection<PolicyRule> rules, Function<PolicyRule, LongAdder> counters) {
    aclIngress = compile(rules, PolicyTable.ACL_INGRESS, counters);
    aclEgress = compile(rules, PolicyTable.ACL_EGRESS, counters);
    sgIngress = compile(rules, PolicyTable.SG_INGRESS, counters);
    sgEgress = compile(rules, PolicyTable.SG_EGRESS, counters);
    for (PolicyRule r : rules) {
      if (r.table() == PolicyTable.NAT) {
        CompiledRule nat = new CompiledRule(r, counters.apply(r));
        snat.put(nat.network(), nat);
        dnat.put(nat.translated(), nat);
      }
    }
  }

  private static CompiledRule[] compile(Collection<PolicyRule> rules, PolicyTable table,
      Function<PolicyRule, LongAdder> counters) {
    List<CompiledRule> out = new ArrayList<>();
    rules.stream().filter(r -> r.table() == table).sorted(Comparator.comparingInt(PolicyRule::priority))
        .forEach(r -> out.add(new CompiledRule(r, counters.apply(r))));
    return out.toArray(new CompiledRule[0]);
  }

  /** The first ACL rule matching, or null: default deny. */
  public CompiledRule acl(boolean ingress, int protocol, int remote, int port) {
    return first(ingress ? aclIngress : aclEgress, protocol, remote, port);
  }

  /** A security-group rule allowing a new connection, or null: default deny. */
  public CompiledRule securityGroup(boolean ingress, int protocol, int remote, int port) {
    return first(ingress ? sgIngress : sgEgress, protocol, remote, port);
  }

  private static CompiledRule first(CompiledRule[] rules, int protocol, int remote, int port) {
    for (CompiledRule r : rules) {
      if (r.matches(protocol, remote, port)) {
        return r;
      }
    }
    return null;
  }

  /** The NAT rule giving a private address its elastic IP, or null. */
  public CompiledRule sourceNat(int privateIp) {
    return snat.get(privateIp);
  }

  /** The NAT rule of an elastic IP, or null. */
  public CompiledRule destinationNat(int elasticIp) {
    return dnat.get(elasticIp);
  }
}
