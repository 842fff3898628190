package io.bmagent.card.nativelib;

import io.bmagent.card.BatchResult;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link PolicyRule}s as {@code bmdpu_rule}s. SPI rules are values without ids while the card keys
 * rules by (table, rule_id), so ids are allocated here and remembered per rule. One SPI NAT rule is
 * two card rules, SNAT then DNAT with consecutive ids, because the card translates one direction
 * per rule; a batch stopped between the two removes the lone SNAT so the pair stays whole.
 */
final class NativePolicyRules {

  private static final int[] TABLES = {BmdpuLibrary.BMDPU_TABLE_ACL_INGRESS, BmdpuLibrary.BMDPU_TABLE_ACL_EGRESS,
    BmdpuLibrary.BMDPU_TABLE_SG_INGRESS, BmdpuLibrary.BMDPU_TABLE_SG_EGRESS, BmdpuLibrary.BMDPU_TABLE_NAT};

  private final BmdpuCard card;
  private final Map<PolicyRule, Integer> ids = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger(1);

  NativePolicyRules(BmdpuCard card) {
    this.card = card;
  }

  /** One card rule of an SPI rule, and the index of that SPI rule in its batch. */
  private record Entry(int owner, PolicyRule rule, int id, int action) {
  }

  Set<PolicyRule> list() {
    return NativeErrors.call(() -> {
      Set<PolicyRule> rules = new HashSet<>();
      for (int table : TABLES) {
        for (Rule raw : NativeListing.all(Rule.class, "rules_list",
            (out, n) -> card.library().bmdpu_rules_list(card.handle(), table, out, n), r -> r)) {
          PolicyRule rule = decode(raw);
          if (rule != null) {
            rules.add(rule);
            // Rules found on the card become removable by this process too.
            ids.putIfAbsent(rule, raw.rule_id);
            nextId.accumulateAndGet(raw.rule_id + 2, Math::max);
          }
        }
      }
      return rules;
    });
  }

  BatchResult apply(List<PolicyRule> rules) {
    Set<PolicyRule> fresh = new HashSet<>(rules);
    fresh.removeAll(ids.keySet());
    List<Entry> entries = expand(rules, true);
    BatchResult result = NativeBatch.apply(Rule.class, "rules_apply", entries, NativePolicyRules::encode,
        (array, n, done) -> card.library().bmdpu_rules_apply(card.handle(), array, n, done));
    if (result.complete()) {
      return BatchResult.all(rules.size());
    }
    int stopped = result.applied();
    if (stopped > 0 && entries.get(stopped - 1).owner() == entries.get(stopped).owner()) {
      NativeBatch.remove(Rule.class, "rules_remove", List.of(entries.get(stopped - 1)),
          NativePolicyRules::encode,
          (array, n, done) -> card.library().bmdpu_rules_remove(card.handle(), array, n, done));
    }
    int applied = entries.get(stopped).owner();
    // Ids of rules the card never took are released; a rule refused as present keeps the id it has there.
    rules.subList(applied, rules.size()).stream().filter(fresh::contains).forEach(ids::remove);
    return BatchResult.stoppedAt(applied, result.failure().orElseThrow());
  }

  BatchResult remove(List<PolicyRule> rules) {
    List<Entry> entries = expand(rules, false);
    BatchResult result = NativeBatch.remove(Rule.class, "rules_remove", entries, NativePolicyRules::encode,
        (array, n, done) -> card.library().bmdpu_rules_remove(card.handle(), array, n, done));
    int removed = result.complete() ? rules.size() : entries.get(result.applied()).owner();
    // Rules without an id were never on the card as far as this process knows: removed already.
    rules.subList(0, removed).forEach(ids::remove);
    return result.complete() ? BatchResult.all(rules.size())
        : BatchResult.stoppedAt(removed, result.failure().orElseThrow());
  }

  private List<Entry> expand(List<PolicyRule> rules, boolean allocate) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      PolicyRule rule = rules.get(i);
      boolean nat = rule.action() == RuleAction.NAT;
      Integer id = allocate ? ids.computeIfAbsent(rule, r -> nextId.getAndAdd(2)) : ids.get(rule);
      if (id == null) {
        continue;
      }
      if (nat) {
        entries.add(new Entry(i, rule, id, BmdpuLibrary.BMDPU_ACTION_SNAT));
        entries.add(new Entry(i, rule, id + 1, BmdpuLibrary.BMDPU_ACTION_DNAT));
      } else {
        entries.add(new Entry(i, rule, id, rule.action() == RuleAction.ALLOW
            ? BmdpuLibrary.BMDPU_ACTION_ALLOW : BmdpuLibrary.BMDPU_ACTION_DENY));
      }
    }
    return entries;
  }

  private static void encode(Entry e, Rule raw) {
    PolicyRule rule = e.rule();
    raw.table = table(rule.table());
    raw.rule_id = e.id();
    raw.priority = rule.priority();
    raw.protocol = rule.protocol() == Protocol.ALL ? 0 : rule.protocol().number();
    raw.remote_ipv4 = rule.remote().network().value();
    raw.remote_prefix_len = rule.remote().length();
    raw.port_min = rule.ports().from();
    raw.port_max = rule.ports().to();
    raw.action = e.action();
    raw.nat_ipv4 = rule.translated().value();
  }

  /** The SPI rule of a card rule; null for a DNAT half (its SNAT half stands for the pair) or a foreign protocol. */
  private static PolicyRule decode(Rule raw) {
    if (raw.action == BmdpuLibrary.BMDPU_ACTION_DNAT) {
      return null;
    }
    Protocol protocol = protocol(raw.protocol);
    if (protocol == null) {
      return null;
    }
    RuleAction action = switch (raw.action) {
      case BmdpuLibrary.BMDPU_ACTION_ALLOW -> RuleAction.ALLOW;
      case BmdpuLibrary.BMDPU_ACTION_DENY -> RuleAction.DENY;
      default -> RuleAction.NAT;
    };
    return new PolicyRule(PolicyTable.values()[raw.table - 1], raw.priority, protocol,
        new Ipv4Prefix(new Ipv4Address(raw.remote_ipv4), raw.remote_prefix_len),
        new PortRange(raw.port_min, raw.port_max), action, new Ipv4Address(raw.nat_ipv4));
  }

  private static Protocol protocol(int number) {
    if (number == 0) {
      return Protocol.ALL;
    }
    for (Protocol p : Protocol.values()) {
      if (p.number() == number) {
        return p;
      }
    }
    return null;
  }

  /** {@code BMDPU_TABLE_*} follow {@link PolicyTable}'s order from 1. */
  private static int table(PolicyTable table) {
    return TABLES[table.ordinal()];
  }
}
