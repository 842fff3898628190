package io.bmagent.card.soft.net.packet;

/**
 * VXLAN (RFC 7348): the 8-byte header in front of the inner Ethernet frame, the outer UDP port, and the outer
 * source port chosen from the inner flow.
 */
public final class Vxlan {

  public static final int HEADER = 8;
  public static final int PORT = 4789;
  /** Outer Ethernet, IPv4 and UDP headers plus the VXLAN header: what encapsulation adds to a frame. */
  public static final int OVERHEAD = Ethernet.HEADER + Ipv4.MIN_HEADER + Udp.HEADER + HEADER;
  private static final int FLAG_I = 0x08;

  private Vxlan() {}

  /** Writes the header: only the I flag set, reserved fields zero (RFC 7348, 5). */
  public static void write(byte[] b, int at, int vni) {
    Bytes.put32(b, at, FLAG_I << 24);
    Bytes.put32(b, at + 4, vni << 8);
  }

  /** Whether the I flag is set, which RFC 7348 requires of a valid VNI. */
  public static boolean valid(byte[] b, int at, int len) {
    return len >= HEADER && (b[at] & FLAG_I) != 0;
  }

  public static int vni(byte[] b, int at) {
    return Bytes.i32(b, at + 4) >>> 8;
  }

  /**
   * The outer UDP source port: a hash of the inner flow so that underlay routers spreading by 5-tuple (ECMP) keep
   * one flow on one path and different flows on different paths. RFC 7348, 5 recommends the dynamic range
   * 49152-65535.
   */
  public static int sourcePort(int srcIp, int dstIp, int protocol, int srcPort, int dstPort) {
    int h = srcIp * 0x9E3779B1;
    h = (h ^ dstIp) * 0x85EBCA77;
    h = (h ^ (protocol << 16 | srcPort)) * 0xC2B2AE3D;
    h = (h ^ dstPort) * 0x27D4EB2F;
    h ^= h >>> 15;
    return 49152 | (h & 0x3FFF);
  }

  /**
   * Writes outer Ethernet, IPv4 and UDP headers in front of a VXLAN payload (header and inner frame) of
   * {@code payloadLength} bytes at {@code frame + 42}. The outer UDP checksum is zero, as RFC 7348, 5 allows for
   * IPv4.
   */
  public static void writeOuter(byte[] b, int frame, long dstMac, long srcMac, int srcIp, int dstIp, int srcPort,
      int payloadLength) {
    Ethernet.write(b, frame, dstMac, srcMac, Ethernet.TYPE_IPV4);
    int ip = frame + Ethernet.HEADER;
    int udp = ip + Ipv4.MIN_HEADER;
    Ipv4.write(b, ip, Ipv4.PROTO_UDP, srcIp, dstIp, Udp.HEADER + payloadLength, 64);
    Bytes.put16(b, udp, srcPort);
    Bytes.put16(b, udp + 2, PORT);
    Bytes.put16(b, udp + 4, Udp.HEADER + payloadLength);
    Bytes.put16(b, udp + 6, 0);
  }
}
