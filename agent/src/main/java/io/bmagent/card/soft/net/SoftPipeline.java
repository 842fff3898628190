package io.bmagent.card.soft.net;

import io.bmagent.card.InstanceMetadata;
import io.bmagent.card.PortConfig;
import io.bmagent.card.soft.net.conntrack.ConnTrack;
import io.bmagent.card.soft.net.conntrack.FlowKey;
import io.bmagent.card.soft.net.conntrack.Fragments;
import io.bmagent.card.soft.net.metadata.MetadataCounters;
import io.bmagent.card.soft.net.metadata.MetadataServer;
import io.bmagent.card.soft.net.metadata.TcpEndpoint;
import io.bmagent.card.soft.net.packet.Dhcp;
import io.bmagent.card.soft.net.packet.Ethernet;
import io.bmagent.card.soft.net.packet.Icmp;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Nat;
import io.bmagent.card.soft.net.packet.Tcp;
import io.bmagent.card.soft.net.packet.Udp;
import io.bmagent.card.soft.net.packet.Vxlan;
import io.bmagent.card.soft.net.policy.CompiledRule;
import io.bmagent.card.soft.net.policy.FlowVerdict;
import io.bmagent.card.soft.net.policy.PolicySnapshot;
import io.bmagent.card.soft.net.policy.Route;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The match-action pipeline of the host's port. From the host: anti-spoofing, local ARP and DHCP, the instance
 * metadata service at 169.254.169.254 (the host's own traffic only, answered on the card), ACL_EGRESS,
 * SG_EGRESS (stateful), routing, source NAT and VXLAN encapsulation. From the underlay: decapsulation, VNI check,
 * destination NAT, ACL_INGRESS, SG_INGRESS and delivery.
 *
 * <p>Fragments of a datagram follow its first fragment's decision ({@link Fragments}); nothing is sent to the
 * underlay that it would have to fragment ({@link TooBig}).
 *
 * <p>Frames are rewritten in place. The first packet of a flow walks the rules and caches the verdict with its
 * connection ({@link FlowAdmission}); later packets cost a hash lookup and a version compare, until a table change moves the version and
 * the next packet re-validates the flow, cutting it if the security groups no longer allow it.
 */
public final class SoftPipeline {

  /** Room ports leave before a frame from the host, at least the VXLAN header the pipeline writes in front. */
  public static final int HEADROOM = 64;

  private final Supplier<PolicySnapshot> tables;
  private final ConnTrack conntrack;
  private final PortCounters counters;
  private final FrameSink host;
  private final TunnelSink underlay;
  private final LocalResponder responder;
  private final RelatedIcmp related;
  private final Fragments fragments;
  private final TooBig tooBig;
  private final TcpEndpoint metadata;
  private final FlowAdmission admission;
  /** Whether the frame from the host being processed may wait for others of its flow; the host thread's alone. */
  private boolean held;
  /** Whether a frame from the underlay may wait in the host port for others of its flow; the underlay thread's. */
  private boolean heldToHost;

  public SoftPipeline(Supplier<PolicySnapshot> tables, ConnTrack conntrack, Fragments fragments,
      PortCounters counters, FrameSink host, TunnelSink underlay, Supplier<InstanceMetadata> metadata,
      MetadataCounters metadataCounters, LongSupplier nanos) {
    this.tables = tables;
    this.conntrack = conntrack;
    this.fragments = fragments;
    this.counters = counters;
    this.host = host;
    this.underlay = underlay;
    this.tooBig = new TooBig(underlay.mtu(), counters, host);
    this.responder = new LocalResponder(counters, host, tooBig::hostMtu);
    this.related = new RelatedIcmp(conntrack, counters);
    this.admission = new FlowAdmission(conntrack, counters);
    FrameSink counted = (f, o, l) -> {
      counters.toHost(l);
      host.send(f, o, l);
    };
    this.metadata = new TcpEndpoint(new MetadataServer(metadata, nanos, metadataCounters), metadataCounters, nanos,
        counted);
  }

  /**
   * Processes a frame the host sent, which may wait in the underlay until {@link #flush} to leave with others of its
   * flow (one segment of a TSO frame among the next ones).
   */
  public void fromHostHeld(byte[] b, int off, int len) {
    held = true;
    try {
      fromHost(b, off, len);
    } finally {
      held = false;
    }
  }

  /** Sends what {@link #fromHostHeld} left waiting. */
  public void flush() {
    underlay.flush();
  }

  /** Processes a frame the host sent; it must start at least {@link Vxlan#HEADER} bytes into the array. */
  public void fromHost(byte[] b, int off, int len) {
    counters.fromHost(len);
    PolicySnapshot s = tables.get();
    PortConfig cfg = s.config();
    if (cfg == null) {
      counters.drop(DropReason.PORT_DOWN);
      return;
    }
    int type = Ethernet.type(b, off, len);
    if (type < 0) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    if (Ethernet.src(b, off) != cfg.mac().value()) {
      counters.drop(DropReason.SPOOFED);
      return;
    }
    int l2 = Ethernet.headerLength(b, off);
    switch (type) {
      case Ethernet.TYPE_IPV4 -> ipv4FromHost(s, cfg, b, off + l2, len - l2);
      case Ethernet.TYPE_ARP -> responder.arp(s, b, off + l2, len - l2);
      case Ethernet.TYPE_IPV6 -> counters.drop(DropReason.IPV6);
      default -> counters.drop(DropReason.UNSUPPORTED);
    }
  }

  private void ipv4FromHost(PolicySnapshot s, PortConfig cfg, byte[] b, int ip, int len) {
    if (!Ipv4.valid(b, ip, len)) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    int total = Ipv4.totalLength(b, ip);
    int l4 = ip + Ipv4.headerLength(b, ip);
    int l4len = ip + total - l4;
    int proto = Ipv4.protocol(b, ip);
    if (proto == Ipv4.PROTO_UDP && l4len >= Udp.HEADER && Udp.dstPort(b, l4) == Dhcp.SERVER_PORT
        && Ipv4.fragmentOffset(b, ip) == 0) {
      responder.dhcp(s, b, l4 + Udp.HEADER, l4len - Udp.HEADER);
      return;
    }
    int src = Ipv4.src(b, ip);
    if (src != cfg.privateIp().value()) {
      counters.drop(DropReason.SPOOFED);
      return;
    }
    int dst = Ipv4.dst(b, ip);
    if (dst == TcpEndpoint.ADDRESS) {
      // The metadata service is answered on the card and never reaches the overlay.
      if (!metadata.segment(cfg, s.gatewayMac(), b, ip, total)) {
        counters.drop(DropReason.METADATA);
      }
      return;
    }
    // The subnet's broadcast address from its parts: Ipv4Prefix.broadcast() would allocate on every packet.
    int subnetBroadcast = cfg.subnet().network().value() | ~cfg.subnet().mask();
    if ((dst >>> 28) == 0xE || dst == Ipv4.BROADCAST || dst == subnetBroadcast) {
      counters.drop(DropReason.BROADCAST);
      return;
    }
    if (Ipv4.fragmentOffset(b, ip) != 0) {
      Fragments.Entry e = fragments.find(false, cfg.vni(), proto, src, dst, Ipv4.identification(b, ip));
      if (e == null) {
        counters.drop(DropReason.FRAGMENT);
      } else if (tooBig.fits(cfg, s.gatewayMac(), b, ip, total)) {
        encapsulate(cfg, b, ip, total, e.verdict().route(), e.sourcePort());
      }
      return;
    }
    if (proto == Ipv4.PROTO_ICMP && RelatedIcmp.isError(b, l4, l4len)) {
      Route r = related.fromHost(s, cfg, b, ip, l4, l4len);
      if (r != null && tooBig.fits(cfg, s.gatewayMac(), b, ip, total)) {
        encapsulate(cfg, b, ip, total, r, Vxlan.sourcePort(src, dst, proto, 0, 0));
      }
      return;
    }
    long ports = ports(b, ip, l4, l4len, proto, false);
    if (ports < 0) {
      return;
    }
    int localPort = (int) (ports >>> 16) & 0xffff;
    int remotePort = (int) ports & 0xffff;
    int flags = proto == Ipv4.PROTO_TCP ? Tcp.flags(b, l4) : 0;
    FlowVerdict v = admission.admit(s, FlowKey.of(cfg.vni(), proto, src, dst, localPort, remotePort), false, 0, flags);
    if (v == null) {
      return;
    }
    Route r = v.route();
    if (r == null) {
      counters.drop(DropReason.NO_ROUTE);
      return;
    }
    if (!tooBig.fits(cfg, s.gatewayMac(), b, ip, total)) {
      return;
    }
    int sourcePort = Vxlan.sourcePort(src, dst, proto, localPort, remotePort);
    if (Ipv4.moreFragments(b, ip)
        && !fragments.record(false, cfg.vni(), proto, src, dst, Ipv4.identification(b, ip), v, 0, sourcePort)) {
      counters.drop(DropReason.FRAGMENT_TABLE_FULL);
      return;
    }
    encapsulate(cfg, b, ip, total, r, sourcePort);
  }

  /** Source NAT if the route says so, the inner Ethernet header, the VXLAN header, and off to the underlay. */
  private void encapsulate(PortConfig cfg, byte[] b, int ip, int total, Route r, int sourcePort) {
    if (r.sourceNat() != null) {
      r.sourceNat().hit();
      Nat.rewriteSource(b, ip, r.sourceNat().translated());
    }
    int inner = ip - Ethernet.HEADER;
    Ethernet.write(b, inner, r.innerDstMac(), cfg.mac().value(), Ethernet.TYPE_IPV4);
    int vx = inner - Vxlan.HEADER;
    Vxlan.write(b, vx, cfg.vni());
    if (held) {
      underlay.hold(r.underlay(), sourcePort, b, vx, Vxlan.HEADER + Ethernet.HEADER + total);
    } else {
      underlay.send(r.underlay(), sourcePort, b, vx, Vxlan.HEADER + Ethernet.HEADER + total);
    }
  }

  /**
   * Processes a VXLAN packet from the underlay whose frame may wait in the host port until {@link #flushToHost},
   * to be handed over with others of its flow.
   */
  public void fromUnderlayHeld(int source, byte[] b, int off, int len) {
    heldToHost = true;
    try {
      fromUnderlay(source, b, off, len);
    } finally {
      heldToHost = false;
    }
  }

  /** Hands the host what {@link #fromUnderlayHeld} left waiting. */
  public void flushToHost() {
    host.flush();
  }

  /**
   * Processes a VXLAN packet (header and inner frame) from the underlay.
   *
   * @param source the underlay address it came from, which must be where its inner source lives: the mapping's
   *     card for a VPC address, the gateway for any other
   */
  public void fromUnderlay(int source, byte[] b, int off, int len) {
    PolicySnapshot s = tables.get();
    PortConfig cfg = s.config();
    if (cfg == null) {
      counters.drop(DropReason.PORT_DOWN);
      return;
    }
    if (!Vxlan.valid(b, off, len)) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    if (Vxlan.vni(b, off) != cfg.vni()) {
      counters.drop(DropReason.VNI_MISMATCH);
      return;
    }
    int frame = off + Vxlan.HEADER;
    int flen = len - Vxlan.HEADER;
    int type = Ethernet.type(b, frame, flen);
    if (type >= 0 && !forHost(cfg, b, frame)) {
      return;
    }
    switch (type) {
      case Ethernet.TYPE_IPV4 -> {
        int l2 = Ethernet.headerLength(b, frame);
        ipv4FromUnderlay(s, cfg, source, b, frame, frame + l2, flen - l2);
      }
      case Ethernet.TYPE_ARP -> counters.drop(DropReason.ARP);
      case Ethernet.TYPE_IPV6 -> counters.drop(DropReason.IPV6);
      case -1 -> counters.drop(DropReason.MALFORMED);
      default -> counters.drop(DropReason.UNSUPPORTED);
    }
  }

  /**
   * Whether an inner frame may reach the host: untagged (RFC 7348, 6.1: a decapsulated frame with an 802.1Q tag is
   * discarded unless configured otherwise) and to the host's MAC or a group address; counts a drop otherwise.
   */
  private boolean forHost(PortConfig cfg, byte[] b, int frame) {
    if (Ethernet.headerLength(b, frame) != Ethernet.HEADER) {
      counters.drop(DropReason.VLAN);
      return false;
    }
    long dst = Ethernet.dst(b, frame);
    if (!Ethernet.isGroup(dst) && dst != cfg.mac().value()) {
      counters.drop(DropReason.NOT_FOR_HOST_MAC);
      return false;
    }
    return true;
  }

  private void ipv4FromUnderlay(PolicySnapshot s, PortConfig cfg, int source, byte[] b, int frame, int ip,
      int len) {
    if (!Ipv4.valid(b, ip, len)) {
      counters.drop(DropReason.MALFORMED);
      return;
    }
    int privateIp = cfg.privateIp().value();
    int dst = Ipv4.dst(b, ip);
    // Only the host's port reaches the metadata service, and only the card speaks for its address.
    if (dst == TcpEndpoint.ADDRESS || Ipv4.src(b, ip) == TcpEndpoint.ADDRESS) {
      counters.drop(DropReason.METADATA);
      return;
    }
    if (dst != privateIp) {
      CompiledRule nat = s.rules().destinationNat(dst);
      if (nat == null || nat.network() != privateIp) {
        counters.drop(DropReason.NOT_FOR_HOST);
        return;
      }
      nat.hit();
      Nat.rewriteDestination(b, ip, privateIp);
    }
    int total = Ipv4.totalLength(b, ip);
    int l4 = ip + Ipv4.headerLength(b, ip);
    int proto = Ipv4.protocol(b, ip);
    if (Ipv4.fragmentOffset(b, ip) != 0) {
      Fragments.Entry e = fragments.find(true, cfg.vni(), proto, Ipv4.src(b, ip), privateIp,
          Ipv4.identification(b, ip));
      if (e == null) {
        counters.drop(DropReason.FRAGMENT);
      } else if (e.underlaySource() != source) {
        counters.drop(DropReason.OVERLAY_SPOOFED);
      } else {
        deliver(cfg, b, frame, ip, total);
      }
      return;
    }
    if (proto == Ipv4.PROTO_ICMP && RelatedIcmp.isError(b, l4, ip + total - l4)) {
      if (related.toHost(s, cfg, source, b, ip, l4, ip + total - l4)) {
        deliver(cfg, b, frame, ip, total);
      }
      return;
    }
    long ports = ports(b, ip, l4, ip + total - l4, proto, true);
    if (ports < 0) {
      return;
    }
    int flags = proto == Ipv4.PROTO_TCP ? Tcp.flags(b, l4) : 0;
    FlowKey key = FlowKey.of(cfg.vni(), proto, privateIp, Ipv4.src(b, ip), (int) (ports >>> 16) & 0xffff,
        (int) ports & 0xffff);
    FlowVerdict v = admission.admit(s, key, true, source, flags);
    if (v == null) {
      return;
    }
    if (Ipv4.moreFragments(b, ip) && !fragments.record(true, cfg.vni(), proto, key.remoteIp(), privateIp,
        Ipv4.identification(b, ip), v, source, 0)) {
      counters.drop(DropReason.FRAGMENT_TABLE_FULL);
      return;
    }
    deliver(cfg, b, frame, ip, total);
  }

  /**
   * Rewrites the frame's link header for the host, untagged and to the port's MAC (or the group address it was
   * sent to), and hands it over.
   */
  private void deliver(PortConfig cfg, byte[] b, int frame, int ip, int total) {
    long peerMac = Ethernet.src(b, frame);
    long dst = Ethernet.dst(b, frame);
    int out = ip - Ethernet.HEADER;
    Ethernet.write(b, out, Ethernet.isGroup(dst) ? dst : cfg.mac().value(), peerMac, Ethernet.TYPE_IPV4);
    counters.toHost(Ethernet.HEADER + total);
    if (heldToHost) {
      host.sendHeld(b, out, Ethernet.HEADER + total);
    } else {
      host.send(b, out, Ethernet.HEADER + total);
    }
  }

  /**
   * The flow's local and remote ports packed as (local << 16 | remote): TCP and UDP ports, the ICMP echo
   * identifier as the local port, 0 otherwise. Returns -1 after counting a drop for a short header.
   */
  private long ports(byte[] b, int ip, int l4, int l4len, int proto, boolean inbound) {
    int need = switch (proto) {
      case Ipv4.PROTO_TCP -> Tcp.MIN_HEADER;
      case Ipv4.PROTO_UDP -> Udp.HEADER;
      case Ipv4.PROTO_ICMP -> Icmp.HEADER;
      default -> 0;
    };
    if (l4len < need) {
      counters.drop(DropReason.MALFORMED);
      return -1;
    }
    if (proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP) {
      int sp = Udp.srcPort(b, l4);
      int dp = Udp.dstPort(b, l4);
      return inbound ? ((long) dp << 16) | sp : ((long) sp << 16) | dp;
    }
    if (proto == Ipv4.PROTO_ICMP && Icmp.isEcho(Icmp.type(b, l4))) {
      return (long) Icmp.identifier(b, l4) << 16;
    }
    return 0;
  }
}
