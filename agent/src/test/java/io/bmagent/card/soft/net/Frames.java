package io.bmagent.card.soft.net;

import io.bmagent.card.soft.net.packet.Arp;
import io.bmagent.card.soft.net.packet.Ethernet;
import io.bmagent.card.soft.net.packet.Icmp;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Tcp;
import io.bmagent.card.soft.net.packet.Udp;
import io.bmagent.card.soft.net.packet.Vxlan;

/** Builds canned frames for the pipeline tests. */
final class Frames {

  private Frames() {}

  static byte[] tcp(long srcMac, long dstMac, int src, int dst, int sport, int dport, int flags) {
    byte[] b = new byte[14 + 20 + 20];
    Ethernet.write(b, 0, dstMac, srcMac, Ethernet.TYPE_IPV4);
    Ipv4.write(b, 14, Ipv4.PROTO_TCP, src, dst, 20, 64);
    Tcp.write(b, 34, sport, dport, 1000, (flags & Tcp.ACK) != 0 ? 2000 : 0, flags, 65535);
    Tcp.updateChecksum(b, 14, 34, 20);
    return b;
  }

  static byte[] udp(long srcMac, long dstMac, int src, int dst, int sport, int dport, byte[] payload) {
    byte[] b = new byte[14 + 20 + 8 + payload.length];
    Ethernet.write(b, 0, dstMac, srcMac, Ethernet.TYPE_IPV4);
    System.arraycopy(payload, 0, b, 42, payload.length);
    Ipv4.write(b, 14, Ipv4.PROTO_UDP, src, dst, 8 + payload.length, 64);
    Udp.write(b, 14, 34, sport, dport, 8 + payload.length);
    return b;
  }

  static byte[] ping(long srcMac, long dstMac, int src, int dst, int type, int id) {
    byte[] b = new byte[14 + 20 + 16];
    Ethernet.write(b, 0, dstMac, srcMac, Ethernet.TYPE_IPV4);
    Ipv4.write(b, 14, Ipv4.PROTO_ICMP, src, dst, 16, 64);
    Icmp.writeEcho(b, 34, type, id, 1, 16);
    return b;
  }

  /** An ICMP error quoting the IPv4 header and 8 payload bytes of {@code quotedFrame}'s packet. */
  static byte[] icmpError(long srcMac, long dstMac, int src, int dst, int type, int code, byte[] quotedFrame) {
    int quoted = 28;
    byte[] b = new byte[14 + 20 + 8 + quoted];
    Ethernet.write(b, 0, dstMac, srcMac, Ethernet.TYPE_IPV4);
    Ipv4.write(b, 14, Ipv4.PROTO_ICMP, src, dst, 8 + quoted, 64);
    b[34] = (byte) type;
    b[35] = (byte) code;
    System.arraycopy(quotedFrame, 14, b, 42, quoted);
    Icmp.updateChecksum(b, 34, 8 + quoted);
    return b;
  }

  static byte[] arpRequest(long srcMac, int src, int target) {
    byte[] b = new byte[42];
    Arp.writeFrame(b, 0, Arp.OP_REQUEST, srcMac, src, 0, target, 0xFFFF_FFFF_FFFFL);
    return b;
  }

  /** Wraps an inner frame in a VXLAN header, as the underlay delivers it. */
  static byte[] vxlan(int vni, byte[] inner) {
    byte[] b = new byte[8 + inner.length];
    Vxlan.write(b, 0, vni);
    System.arraycopy(inner, 0, b, 8, inner.length);
    return b;
  }
}
