package io.bmagent.card.soft.net;

import io.bmagent.card.PortConfig;
import io.bmagent.card.VpcGateway;
import io.bmagent.card.soft.net.conntrack.ConnTrack;
import io.bmagent.card.soft.net.conntrack.Connection;
import io.bmagent.card.soft.net.conntrack.FlowKey;
import io.bmagent.card.soft.net.packet.Bytes;
import io.bmagent.card.soft.net.packet.Checksum;
import io.bmagent.card.soft.net.packet.Icmp;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Udp;
import io.bmagent.card.soft.net.policy.CompiledRule;
import io.bmagent.card.soft.net.policy.FlowVerdict;
import io.bmagent.card.soft.net.policy.PolicySnapshot;
import io.bmagent.card.soft.net.policy.Route;

/**
 * ICMP errors (destination unreachable, time exceeded, parameter problem) about a tracked connection pass the
 * security groups as part of that connection, as in the clouds' stateful firewalls: path MTU discovery
 * (RFC 1191) depends on "fragmentation needed" reaching the sender. The packet quoted in the error (RFC 792) is
 * translated like its connection when the host has an elastic IP.
 */
final class RelatedIcmp {

  /** The ICMP header and the quoted IPv4 header and first 8 bytes of its payload (RFC 792). */
  private static final int MIN_LENGTH = Icmp.HEADER + Ipv4.MIN_HEADER + 8;

  private final ConnTrack conntrack;
  private final PortCounters counters;

  RelatedIcmp(ConnTrack conntrack, PortCounters counters) {
    this.conntrack = conntrack;
    this.counters = counters;
  }

  static boolean isError(byte[] b, int l4, int l4len) {
    if (l4len < Icmp.HEADER) {
      return false;
    }
    int type = Icmp.type(b, l4);
    return type == 3 || type == 11 || type == 12;
  }

  /**
   * An error the host sends about a packet it received. Returns the route of the connection, the quoted packet
   * already translated, or null after counting a drop.
   */
  Route fromHost(PolicySnapshot s, PortConfig cfg, byte[] b, int ip, int l4, int l4len) {
    int q = quoted(b, l4, l4len);
    if (q < 0) {
      return null;
    }
    int qproto = Ipv4.protocol(b, q);
    int ports = quotedPorts(b, q, qproto, false);
    FlowKey key = FlowKey.of(cfg.vni(), qproto, Ipv4.dst(b, q), Ipv4.src(b, q), ports >>> 16, ports & 0xffff);
    Connection c = related(key);
    if (c == null || !aclAllows(s, false, Ipv4.dst(b, ip))) {
      return null;
    }
    FlowVerdict v = c.verdict();
    Route r = v.version() == s.version() ? v.route() : FlowAdmission.classify(s, key, c.openedInbound()).route();
    if (r == null) {
      counters.drop(DropReason.NO_ROUTE);
      return null;
    }
    if (r.sourceNat() != null) {
      rewriteQuoted(b, l4, q, 16, r.sourceNat().translated());
    }
    return r;
  }

  /** An error from the overlay about a packet the host sent; true if it may be delivered, translated. */
  boolean toHost(PolicySnapshot s, PortConfig cfg, int source, byte[] b, int ip, int l4, int l4len) {
    int q = quoted(b, l4, l4len);
    if (q < 0) {
      return false;
    }
    int privateIp = cfg.privateIp().value();
    int qsrc = Ipv4.src(b, q);
    CompiledRule nat = s.rules().destinationNat(qsrc);
    if (qsrc != privateIp && (nat == null || nat.network() != privateIp)) {
      counters.drop(DropReason.NOT_FOR_HOST);
      return false;
    }
    int qproto = Ipv4.protocol(b, q);
    int ports = quotedPorts(b, q, qproto, true);
    FlowKey key = FlowKey.of(cfg.vni(), qproto, privateIp, Ipv4.dst(b, q), ports >>> 16, ports & 0xffff);
    Connection c = related(key);
    if (c == null || !fromPeerOrGateway(s, cfg, c, source) || !aclAllows(s, true, Ipv4.src(b, ip))) {
      return false;
    }
    if (qsrc != privateIp) {
      rewriteQuoted(b, l4, q, 12, privateIp);
    }
    return true;
  }

  private int quoted(byte[] b, int l4, int l4len) {
    int q = l4 + Icmp.HEADER;
    if (l4len < MIN_LENGTH || Ipv4.version(b, q) != 4 || l4len < Icmp.HEADER + Ipv4.headerLength(b, q) + 8) {
      counters.drop(DropReason.MALFORMED);
      return -1;
    }
    return q;
  }

  /**
   * The connection's (local port << 16 | remote port) from the quoted packet, which the host sent or received; an
   * echo's identifier is the local port, as on the data path; 0 for other protocols.
   */
  private static int quotedPorts(byte[] b, int q, int proto, boolean sentByHost) {
    int t = q + Ipv4.headerLength(b, q);
    if (proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP) {
      int sp = Udp.srcPort(b, t);
      int dp = Udp.dstPort(b, t);
      return sentByHost ? (sp << 16) | dp : (dp << 16) | sp;
    }
    if (proto == Ipv4.PROTO_ICMP && Icmp.isEcho(Icmp.type(b, t))) {
      return Icmp.identifier(b, t) << 16;
    }
    return 0;
  }

  private Connection related(FlowKey key) {
    Connection c = conntrack.lookup(key);
    if (c == null) {
      counters.drop(DropReason.SECURITY_GROUP);
    }
    return c;
  }

  /** Errors come from the connection's peer or from a router behind the gateway; nobody else may send them. */
  private boolean fromPeerOrGateway(PolicySnapshot s, PortConfig cfg, Connection c, int source) {
    Route r = c.verdict().route();
    VpcGateway gw = s.gateways().get(cfg.vni());
    if ((r != null && r.underlay() == source) || (gw != null && gw.underlay().value() == source)) {
      return true;
    }
    counters.drop(DropReason.OVERLAY_SPOOFED);
    return false;
  }

  private boolean aclAllows(PolicySnapshot s, boolean ingress, int remote) {
    CompiledRule acl = s.rules().acl(ingress, Ipv4.PROTO_ICMP, remote, -1);
    if (acl != null) {
      acl.hit();
    }
    if (acl == null || !acl.allows()) {
      counters.drop(DropReason.ACL);
      return false;
    }
    return true;
  }

  /**
   * Replaces an address of the quoted header, fixing its header checksum and the ICMP checksum over both
   * (RFC 1624). The quoted transport checksum is left alone: it covers data the error does not carry, and
   * receivers do not check it.
   */
  private static void rewriteQuoted(byte[] b, int l4, int q, int field, int address) {
    int old = Bytes.i32(b, q + field);
    int oldSum = Bytes.u16(b, q + 10);
    int newSum = Checksum.update32(oldSum, old, address);
    Bytes.put32(b, q + field, address);
    Bytes.put16(b, q + 10, newSum);
    int icmp = Checksum.update32(Bytes.u16(b, l4 + 2), old, address);
    Bytes.put16(b, l4 + 2, Checksum.update16(icmp, oldSum, newSum));
  }
}
