package io.bmagent.card.soft.net.packet;

/**
 * Rewriting an IPv4 address in place with incremental checksum updates (RFC 1624), so that NAT costs a few
 * arithmetic operations whatever the packet's size.
 */
public final class Nat {

  private Nat() {}

  /** Replaces the source address and fixes the IPv4 and transport checksums. */
  public static void rewriteSource(byte[] b, int ip, int newAddress) {
    rewrite(b, ip, 12, newAddress);
  }

  /** Replaces the destination address and fixes the IPv4 and transport checksums. */
  public static void rewriteDestination(byte[] b, int ip, int newAddress) {
    rewrite(b, ip, 16, newAddress);
  }

  private static void rewrite(byte[] b, int ip, int field, int newAddress) {
    int old = Bytes.i32(b, ip + field);
    Bytes.put32(b, ip + field, newAddress);
    Bytes.put16(b, ip + 10, Checksum.update32(Bytes.u16(b, ip + 10), old, newAddress));
    if (Ipv4.fragmentOffset(b, ip) != 0) {
      return;
    }
    int l4 = ip + Ipv4.headerLength(b, ip);
    switch (Ipv4.protocol(b, ip)) {
      case Ipv4.PROTO_TCP -> Bytes.put16(b, l4 + 16, Checksum.update32(Tcp.checksum(b, l4), old, newAddress));
      case Ipv4.PROTO_UDP -> {
        int c = Udp.checksum(b, l4);
        // A zero UDP checksum means "none" and stays so; a result of 0 is sent as 0xFFFF (RFC 768).
        if (c != 0) {
          int u = Checksum.update32(c, old, newAddress);
          Bytes.put16(b, l4 + 6, u == 0 ? 0xFFFF : u);
        }
      }
      default -> {
        // ICMP and other protocols have no pseudo-header: their checksums do not cover the address.
      }
    }
  }
}
