package io.bmagent.card.soft.net.packet;

/** The TCP header (RFC 793, 3.1): ports, flags and the checksum over the pseudo-header. */
public final class Tcp {

  public static final int MIN_HEADER = 20;
  public static final int FIN = 0x01;
  public static final int SYN = 0x02;
  public static final int RST = 0x04;
  public static final int PSH = 0x08;
  public static final int ACK = 0x10;
  public static final int URG = 0x20;
  /**
   * The flag combinations (PSH aside) a TCP sends, as Linux conntrack's tcp_valid_flags: SYN, SYN-ACK, RST, RST-ACK,
   * FIN-ACK and ACK, each also with URG but RST and SYN-ACK; bit n is the combination n.
   */
  private static final long VALID = 1L << SYN | 1L << (SYN | URG) | 1L << (SYN | ACK) | 1L << RST
      | 1L << (RST | ACK) | 1L << (FIN | ACK) | 1L << (FIN | ACK | URG) | 1L << ACK | 1L << (ACK | URG);

  private Tcp() {}

  public static int srcPort(byte[] b, int tcp) {
    return Bytes.u16(b, tcp);
  }

  public static int dstPort(byte[] b, int tcp) {
    return Bytes.u16(b, tcp + 2);
  }

  public static int flags(byte[] b, int tcp) {
    return b[tcp + 13] & 0x3f;
  }

  /** Whether the flags (as {@link #flags} gives them) are a combination a TCP sends. */
  public static boolean validFlags(int flags) {
    return (VALID >>> (flags & ~PSH & 0x3f) & 1) != 0;
  }

  public static int checksum(byte[] b, int tcp) {
    return Bytes.u16(b, tcp + 16);
  }

  /** Computes and stores the checksum of a segment of {@code len} bytes inside the IPv4 packet at {@code ip}. */
  public static void updateChecksum(byte[] b, int ip, int tcp, int len) {
    Bytes.put16(b, tcp + 16, 0);
    Bytes.put16(b, tcp + 16, Checksum.finish(Checksum.add(Ipv4.pseudoHeaderSum(b, ip, len), b, tcp, len)));
  }

  /** Whether the stored checksum is right. */
  public static boolean checksumValid(byte[] b, int ip, int tcp, int len) {
    return Checksum.finish(Checksum.add(Ipv4.pseudoHeaderSum(b, ip, len), b, tcp, len)) == 0;
  }

  /** Writes a 20-byte header without options; the checksum is left to {@link #updateChecksum}. */
  public static void write(byte[] b, int tcp, int srcPort, int dstPort, int seq, int ack, int flags, int window) {
    Bytes.put16(b, tcp, srcPort);
    Bytes.put16(b, tcp + 2, dstPort);
    Bytes.put32(b, tcp + 4, seq);
    Bytes.put32(b, tcp + 8, ack);
    b[tcp + 12] = 5 << 4;
    b[tcp + 13] = (byte) flags;
    Bytes.put16(b, tcp + 14, window);
    Bytes.put32(b, tcp + 16, 0);
  }
}
