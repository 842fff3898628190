package io.bmagent.card.soft.net;

import io.bmagent.card.soft.net.conntrack.ConnTrack;
import io.bmagent.card.soft.net.conntrack.Connection;
import io.bmagent.card.soft.net.conntrack.FlowKey;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Tcp;
import io.bmagent.card.soft.net.policy.CompiledRule;
import io.bmagent.card.soft.net.policy.FlowVerdict;
import io.bmagent.card.soft.net.policy.PolicySnapshot;

/**
 * A packet's policy decision, both ways: the connection table (stateful security groups, the flow's cached verdict
 * re-validated when the tables change), then the stateless ACL of its direction. One per pipeline, on its thread.
 */
final class FlowAdmission {

  private final ConnTrack conntrack;
  private final PortCounters counters;

  FlowAdmission(ConnTrack conntrack, PortCounters counters) {
    this.conntrack = conntrack;
    this.counters = counters;
  }

  /**
   * The stateful step: finds the flow's connection, re-validating its cached verdict when the tables changed, or
   * opens one if the security groups allow it; then applies the ACL of the packet's direction. Returns the
   * verdict, or null after counting a drop.
   */
  FlowVerdict admit(PolicySnapshot s, FlowKey key, boolean inbound, int underlaySource, int tcpFlags) {
    if (key.protocol() == Ipv4.PROTO_TCP && !Tcp.validFlags(tcpFlags)) {
      counters.drop(DropReason.CONNTRACK_INVALID);
      return null;
    }
    Connection c = conntrack.lookup(key);
    FlowVerdict v;
    if (c == null) {
      if (key.protocol() == Ipv4.PROTO_TCP && (tcpFlags & (Tcp.SYN | Tcp.ACK | Tcp.RST)) != Tcp.SYN) {
        counters.drop(DropReason.CONNTRACK_INVALID);
        return null;
      }
      v = classify(s, key, inbound);
    } else {
      v = c.verdict();
      if (v.version() != s.version()) {
        v = classify(s, key, c.openedInbound());
        if (v.securityGroup() == null) {
          conntrack.remove(c);
          counters.drop(DropReason.SECURITY_GROUP);
          return null;
        }
        c.verdict(v);
      }
    }
    // The peer's route back is where the packet must have come from: a peer cannot speak for another's address.
    if (inbound && (v.route() == null || v.route().underlay() != underlaySource)) {
      counters.drop(DropReason.OVERLAY_SPOOFED);
      return null;
    }
    // The ACL is stateless: it decides every packet, before the security groups (PolicyTable's order).
    CompiledRule acl = inbound ? v.aclIngress() : v.aclEgress();
    if (acl != null) {
      acl.hit();
    }
    if (acl == null || !acl.allows()) {
      counters.drop(DropReason.ACL);
      return null;
    }
    if (c == null) {
      if (v.securityGroup() == null) {
        counters.drop(DropReason.SECURITY_GROUP);
        return null;
      }
      c = conntrack.open(key, inbound, v);
      if (c == null) {
        counters.drop(DropReason.CONNTRACK_FULL);
        return null;
      }
    }
    v.securityGroup().hit();
    conntrack.track(c, inbound, tcpFlags);
    return v;
  }

  /** What the tables say of the flow, for a connection opened in the direction {@code openedInbound} says. */
  static FlowVerdict classify(PolicySnapshot s, FlowKey key, boolean openedInbound) {
    boolean ported = key.protocol() == Ipv4.PROTO_TCP || key.protocol() == Ipv4.PROTO_UDP;
    return s.classify(key.protocol(), key.remoteIp(), ported ? key.localPort() : -1,
        ported ? key.remotePort() : -1, openedInbound);
  }
}
