package io.bmagent.card.soft.net;

import io.bmagent.card.PortConfig;
import io.bmagent.card.soft.net.packet.Bytes;
import io.bmagent.card.soft.net.packet.Ethernet;
import io.bmagent.card.soft.net.packet.Icmp;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Udp;
import io.bmagent.card.soft.net.packet.Vxlan;

/**
 * The largest packet from the host the underlay carries whole. A VTEP must not fragment (RFC 7348, 4.3), so a packet
 * that would not fit once encapsulated is dropped; when the host set DF it is told, as a router would tell it, with
 * ICMP "fragmentation needed" carrying the next-hop MTU (RFC 1191, 4) from the subnet's gateway, and path MTU
 * discovery makes its next packets fit. The same MTU is what the card's DHCP announces.
 */
final class TooBig {

  /** The outer IPv4, UDP and VXLAN headers and the inner Ethernet header. */
  static final int ENCAPSULATION = Ipv4.MIN_HEADER + Udp.HEADER + Vxlan.HEADER + Ethernet.HEADER;
  private static final int FRAGMENTATION_NEEDED = 4;

  private final int mtu;
  private final PortCounters counters;
  private final FrameSink host;

  /** @param underlayMtu the largest outer IPv4 packet the underlay carries */
  TooBig(int underlayMtu, PortCounters counters, FrameSink host) {
    this.mtu = underlayMtu - ENCAPSULATION;
    this.counters = counters;
    this.host = host;
  }

  /** The host's MTU: the port's, or less when the underlay carries less. */
  int hostMtu(PortConfig cfg) {
    return Math.min(cfg.mtu(), mtu);
  }

  /** Whether the IPv4 packet of {@code total} bytes fits; if not, counts the drop and answers a DF packet. */
  boolean fits(PortConfig cfg, long gatewayMac, byte[] b, int ip, int total) {
    if (total <= mtu) {
      return true;
    }
    counters.drop(DropReason.TOO_BIG);
    if (Ipv4.dontFragment(b, ip)) {
      int quoted = Math.min(total, Ipv4.headerLength(b, ip) + 8);
      byte[] out = new byte[Ethernet.HEADER + Ipv4.MIN_HEADER + Icmp.HEADER + quoted];
      int icmp = Ethernet.HEADER + Ipv4.MIN_HEADER;
      Ethernet.write(out, 0, cfg.mac().value(), gatewayMac, Ethernet.TYPE_IPV4);
      Ipv4.write(out, Ethernet.HEADER, Ipv4.PROTO_ICMP, cfg.gateway().value(), Ipv4.src(b, ip),
          Icmp.HEADER + quoted, 64);
      out[icmp] = 3;
      out[icmp + 1] = FRAGMENTATION_NEEDED;
      Bytes.put16(out, icmp + 6, mtu);
      System.arraycopy(b, ip, out, icmp + Icmp.HEADER, quoted);
      Icmp.updateChecksum(out, icmp, Icmp.HEADER + quoted);
      counters.toHost(out.length);
      host.send(out, 0, out.length);
    }
    return false;
  }
}
