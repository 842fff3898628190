package io.bmagent.card.soft.net.packet;

/** The UDP header (RFC 768). */
public final class Udp {

  public static final int HEADER = 8;

  private Udp() {}

  public static int srcPort(byte[] b, int udp) {
    return Bytes.u16(b, udp);
  }

  public static int dstPort(byte[] b, int udp) {
    return Bytes.u16(b, udp + 2);
  }

  public static int length(byte[] b, int udp) {
    return Bytes.u16(b, udp + 4);
  }

  public static int checksum(byte[] b, int udp) {
    return Bytes.u16(b, udp + 6);
  }

  /** Writes the header with the checksum of the datagram ({@code len} bytes, header included) already in place. */
  public static void write(byte[] b, int ip, int udp, int srcPort, int dstPort, int len) {
    Bytes.put16(b, udp, srcPort);
    Bytes.put16(b, udp + 2, dstPort);
    Bytes.put16(b, udp + 4, len);
    updateChecksum(b, ip, udp, len);
  }

  /**
   * Computes and stores the checksum; a computed 0 is sent as 0xFFFF because 0 means "no checksum" (RFC 768).
   */
  public static void updateChecksum(byte[] b, int ip, int udp, int len) {
    Bytes.put16(b, udp + 6, 0);
    int c = Checksum.finish(Checksum.add(Ipv4.pseudoHeaderSum(b, ip, len), b, udp, len));
    Bytes.put16(b, udp + 6, c == 0 ? 0xFFFF : c);
  }

  /** Whether the checksum is absent (0) or right. */
  public static boolean checksumValid(byte[] b, int ip, int udp, int len) {
    return checksum(b, udp) == 0
        || Checksum.finish(Checksum.add(Ipv4.pseudoHeaderSum(b, ip, len), b, udp, len)) == 0;
  }
}
