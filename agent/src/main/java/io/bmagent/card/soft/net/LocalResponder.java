package io.bmagent.card.soft.net;

import io.bmagent.card.PortConfig;
import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.net.metadata.TcpEndpoint;
import io.bmagent.card.soft.net.packet.Arp;
import io.bmagent.card.soft.net.packet.Dhcp;
import io.bmagent.card.soft.net.packet.DhcpReply;
import io.bmagent.card.soft.net.policy.PolicySnapshot;
import io.bmagent.net.Ipv4Address;
import java.util.function.ToIntFunction;

/**
 * Answers the host's ARP and DHCP on the card, as a cloud's virtual switch does: the overlay never carries a
 * broadcast, and the host learns everything it needs from its port. Replies are rare, so they are built in fresh
 * arrays.
 */
final class LocalResponder {

  /** The lease the card grants; the host's address never changes while the port exists, so it is long. */
  static final int LEASE_SECONDS = 86_400;

  private final PortCounters counters;
  private final FrameSink host;
  /** The MTU announced to the host: what the underlay carries, never more than the port's. */
  private final ToIntFunction<PortConfig> mtu;

  LocalResponder(PortCounters counters, FrameSink host, ToIntFunction<PortConfig> mtu) {
    this.counters = counters;
    this.host = host;
    this.mtu = mtu;
  }

  /**
   * Answers a request for the gateway or for any address of the VNI's mapping table with the MAC behind it. The
   * host's own sender address must be its private IP, or 0.0.0.0 for an address probe (RFC 5227, 2.1.1).
   */
  void arp(PolicySnapshot s, byte[] b, int arp, int len) {
    PortConfig cfg = s.config();
    if (!Arp.isEthernetIpv4(b, arp, len) || Arp.op(b, arp) != Arp.OP_REQUEST) {
      counters.drop(DropReason.ARP);
      return;
    }
    int sender = Arp.senderIp(b, arp);
    long mac = cfg.mac().value();
    if (Arp.senderMac(b, arp) != mac || (sender != cfg.privateIp().value() && sender != 0)) {
      counters.drop(DropReason.SPOOFED);
      return;
    }
    int target = Arp.targetIp(b, arp);
    long answer;
    // The metadata address sits behind the gateway; a host with a link-local route asks for it directly.
    if (target == cfg.gateway().value() || target == TcpEndpoint.ADDRESS) {
      answer = s.gatewayMac();
    } else {
      VpcMapping m = s.mappings().find(cfg.vni(), target);
      if (m == null || target == cfg.privateIp().value()) {
        counters.drop(DropReason.ARP);
        return;
      }
      answer = m.mac().value();
    }
    byte[] out = new byte[60];
    Arp.writeFrame(out, 0, Arp.OP_REPLY, answer, target, mac, sender, mac);
    deliver(out, out.length);
  }

  /**
   * Answers DISCOVER with OFFER, REQUEST with ACK, or NAK when the host asks for another address, and INFORM with an
   * ACK of the configuration alone.
   */
  void dhcp(PolicySnapshot s, byte[] b, int bootp, int len) {
    PortConfig cfg = s.config();
    if (!Dhcp.isRequest(b, bootp, len)) {
      counters.drop(DropReason.DHCP);
      return;
    }
    if (Dhcp.chaddr(b, bootp) != cfg.mac().value()) {
      counters.drop(DropReason.SPOOFED);
      return;
    }
    int type = Dhcp.messageType(b, bootp, len);
    int serverId = Dhcp.serverId(b, bootp, len);
    if (type == Dhcp.REQUEST && serverId != 0 && serverId != cfg.gateway().value()) {
      // The client chose another server's offer: that server answers, this one stays silent (RFC 2131, 4.3.2).
      counters.drop(DropReason.DHCP);
      return;
    }
    int reply;
    if (type == Dhcp.INFORM) {
      if (Dhcp.ciaddr(b, bootp) != cfg.privateIp().value()) {
        counters.drop(DropReason.SPOOFED);
        return;
      }
      reply = Dhcp.INFORM;
    } else if (type == Dhcp.DISCOVER) {
      reply = Dhcp.OFFER;
    } else if (type == Dhcp.REQUEST) {
      int asked = Dhcp.requestedIp(b, bootp, len);
      if (asked == 0) {
        asked = Dhcp.ciaddr(b, bootp);
      }
      reply = asked == cfg.privateIp().value() ? Dhcp.ACK : Dhcp.NAK;
    } else {
      counters.drop(DropReason.DHCP);
      return;
    }
    DhcpReply.Lease lease = new DhcpReply.Lease(cfg.privateIp().value(), cfg.subnet().mask(),
        cfg.gateway().value(), cfg.dnsServers().stream().map(Ipv4Address::value).toList(), LEASE_SECONDS,
        mtu.applyAsInt(cfg));
    byte[] out = new byte[DhcpReply.maxFrameLength(lease)];
    int n = reply == Dhcp.INFORM
        ? DhcpReply.writeInformAck(out, b, bootp, lease, s.gatewayMac(), cfg.gateway().value())
        : DhcpReply.write(out, b, bootp, reply, lease, s.gatewayMac(), cfg.gateway().value());
    deliver(out, n);
  }

  private void deliver(byte[] out, int len) {
    counters.toHost(len);
    host.send(out, 0, len);
  }
}
