package io.bmagent.card;

import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.Objects;

/**
 * One entry of a policy table. A rule is a value: two equal rules are the same entry, which is what lets the
 * reconciler diff the compiled tables against what the card reports.
 *
 * @param priority lower first; unique within an ACL table, 0 in the security-group tables where order does not matter
 * @param remote the remote side's addresses (for NAT: the private address as a /32)
 * @param ports destination ports for TCP and UDP ({@link PortRange#ALL} otherwise)
 * @param translated the elastic IP for {@link RuleAction#NAT}, {@link Ipv4Address#ANY} otherwise
 */
public record PolicyRule(
    PolicyTable table,
    int priority,
    Protocol protocol,
    Ipv4Prefix remote,
    PortRange ports,
    RuleAction action,
    Ipv4Address translated) {

  public PolicyRule {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(translated, "translated");
  }
}
