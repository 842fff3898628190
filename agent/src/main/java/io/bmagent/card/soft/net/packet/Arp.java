package io.bmagent.card.soft.net.packet;

/** ARP for IPv4 over Ethernet (RFC 826): the only form the card answers. */
public final class Arp {

  public static final int LENGTH = 28;
  public static final int OP_REQUEST = 1;
  public static final int OP_REPLY = 2;

  private Arp() {}

  /** Whether the body is Ethernet/IPv4 ARP (htype 1, ptype 0x0800, hlen 6, plen 4). */
  public static boolean isEthernetIpv4(byte[] b, int at, int len) {
    return len >= LENGTH && Bytes.u16(b, at) == 1 && Bytes.u16(b, at + 2) == Ethernet.TYPE_IPV4
        && b[at + 4] == 6 && b[at + 5] == 4;
  }

  public static int op(byte[] b, int at) {
    return Bytes.u16(b, at + 6);
  }

  public static long senderMac(byte[] b, int at) {
    return Bytes.u48(b, at + 8);
  }

  public static int senderIp(byte[] b, int at) {
    return Bytes.i32(b, at + 14);
  }

  public static int targetIp(byte[] b, int at) {
    return Bytes.i32(b, at + 24);
  }

  /** Writes a whole frame (Ethernet header and ARP body, 42 bytes) at {@code frame}; returns its length. */
  public static int writeFrame(byte[] b, int frame, int op, long senderMac, int senderIp, long targetMac,
      int targetIp, long ethDst) {
    Ethernet.write(b, frame, ethDst, senderMac, Ethernet.TYPE_ARP);
    int at = frame + Ethernet.HEADER;
    Bytes.put16(b, at, 1);
    Bytes.put16(b, at + 2, Ethernet.TYPE_IPV4);
    b[at + 4] = 6;
    b[at + 5] = 4;
    Bytes.put16(b, at + 6, op);
    Bytes.put48(b, at + 8, senderMac);
    Bytes.put32(b, at + 14, senderIp);
    Bytes.put48(b, at + 18, targetMac);
    Bytes.put32(b, at + 24, targetIp);
    return Ethernet.HEADER + LENGTH;
  }
}
