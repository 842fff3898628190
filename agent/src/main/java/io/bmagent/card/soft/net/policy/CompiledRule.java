package io.bmagent.card.soft.net.policy;

import io.bmagent.card.PolicyRule;
import io.bmagent.card.RuleAction;
import io.bmagent.net.PortRange;
import java.util.concurrent.atomic.LongAdder;

/** A policy rule reduced to integers for matching, with its hit counter. */
public final class CompiledRule {

  private final PolicyRule rule;
  private final LongAdder hits;
  private final int protocol;
  private final int network;
  private final int mask;
  private final int portFrom;
  private final int portTo;
  private final boolean anyPort;
  private final int translated;

  public CompiledRule(PolicyRule rule, LongAdder hits) {
    this.rule = rule;
    this.hits = hits;
    this.protocol = rule.protocol().number();
    this.network = rule.remote().network().value();
    this.mask = rule.remote().mask();
    this.portFrom = rule.ports().from();
    this.portTo = rule.ports().to();
    this.anyPort = rule.ports().equals(PortRange.ALL);
    this.translated = rule.translated().value();
  }

  /** The remote prefix's network address: for a NAT rule, the private address. */
  public int network() {
    return network;
  }

  /** The elastic IP of a NAT rule. */
  public int translated() {
    return translated;
  }

  public boolean allows() {
    return rule.action() == RuleAction.ALLOW;
  }

  /** Counts one packet this rule decided. */
  public void hit() {
    hits.increment();
  }

  /**
   * Whether the rule matches.
   *
   * @param port the destination port of a TCP or UDP packet, -1 for other protocols, which only rules for every
   *     port match
   */
  public boolean matches(int ipProtocol, int remote, int port) {
    if (protocol >= 0 && protocol != ipProtocol) {
      return false;
    }
    if ((remote & mask) != network) {
      return false;
    }
    return anyPort || (port >= portFrom && port <= portTo);
  }
}
