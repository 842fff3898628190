package io.bmagent.card.soft.net.packet;

/** The IPv4 header (RFC 791) at an offset: field access, checksum and address rewriting. */
public final class Ipv4 {

  public static final int MIN_HEADER = 20;
  public static final int PROTO_ICMP = 1;
  public static final int PROTO_TCP = 6;
  public static final int PROTO_UDP = 17;
  public static final int BROADCAST = 0xFFFF_FFFF;

  private Ipv4() {}

  public static int version(byte[] b, int ip) {
    return (b[ip] & 0xff) >>> 4;
  }

  public static int headerLength(byte[] b, int ip) {
    return (b[ip] & 0x0f) * 4;
  }

  public static int totalLength(byte[] b, int ip) {
    return Bytes.u16(b, ip + 2);
  }

  /** The fragment offset in 8-byte units; non-zero means the transport header is in an earlier fragment. */
  public static int fragmentOffset(byte[] b, int ip) {
    return Bytes.u16(b, ip + 6) & 0x1FFF;
  }

  /** Whether DF (don't fragment) is set. */
  public static boolean dontFragment(byte[] b, int ip) {
    return (b[ip + 6] & 0x40) != 0;
  }

  /** Whether MF (more fragments) is set: this is a fragment, and not the datagram's last. */
  public static boolean moreFragments(byte[] b, int ip) {
    return (b[ip + 6] & 0x20) != 0;
  }

  public static int identification(byte[] b, int ip) {
    return Bytes.u16(b, ip + 4);
  }

  public static int protocol(byte[] b, int ip) {
    return b[ip + 9] & 0xff;
  }

  public static int src(byte[] b, int ip) {
    return Bytes.i32(b, ip + 12);
  }

  public static int dst(byte[] b, int ip) {
    return Bytes.i32(b, ip + 16);
  }

  /** Whether the header is well formed within {@code len} bytes and its checksum verifies. */
  public static boolean valid(byte[] b, int ip, int len) {
    if (len < MIN_HEADER || version(b, ip) != 4) {
      return false;
    }
    int ihl = headerLength(b, ip);
    int total = totalLength(b, ip);
    return ihl >= MIN_HEADER && total >= ihl && total <= len && Checksum.of(b, ip, ihl) == 0;
  }

  /** Recomputes the header checksum. */
  public static void updateChecksum(byte[] b, int ip) {
    Bytes.put16(b, ip + 10, 0);
    Bytes.put16(b, ip + 10, Checksum.of(b, ip, headerLength(b, ip)));
  }

  /**
   * Writes a 20-byte header with DF clear and identification 0, and its checksum.
   *
   * @param payloadLength the length of what follows the header
   */
  public static void write(byte[] b, int ip, int protocol, int src, int dst, int payloadLength, int ttl) {
    b[ip] = 0x45;
    b[ip + 1] = 0;
    Bytes.put16(b, ip + 2, MIN_HEADER + payloadLength);
    Bytes.put32(b, ip + 4, 0);
    b[ip + 8] = (byte) ttl;
    b[ip + 9] = (byte) protocol;
    Bytes.put32(b, ip + 12, src);
    Bytes.put32(b, ip + 16, dst);
    updateChecksum(b, ip);
  }

  /**
   * The sum of the pseudo-header the TCP and UDP checksums cover (RFC 793, 3.1; RFC 768): addresses, protocol and
   * transport length.
   */
  public static int pseudoHeaderSum(byte[] b, int ip, int l4Length) {
    int sum = Checksum.add(0, b, ip + 12, 8);
    return sum + protocol(b, ip) + l4Length;
  }
}
