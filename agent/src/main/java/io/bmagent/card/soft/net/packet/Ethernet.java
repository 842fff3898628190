package io.bmagent.card.soft.net.packet;

/** Ethernet II framing, with the one 802.1Q tag a host may put on its frames skipped. */
public final class Ethernet {

  public static final int HEADER = 14;
  public static final int TYPE_IPV4 = 0x0800;
  public static final int TYPE_ARP = 0x0806;
  public static final int TYPE_VLAN = 0x8100;
  public static final int TYPE_IPV6 = 0x86DD;

  private Ethernet() {}

  public static long dst(byte[] b, int frame) {
    return Bytes.u48(b, frame);
  }

  public static long src(byte[] b, int frame) {
    return Bytes.u48(b, frame + 6);
  }

  /** Whether a MAC address is a broadcast or multicast one: the I/G bit, the first octet's lowest. */
  public static boolean isGroup(long mac) {
    return (mac & (1L << 40)) != 0;
  }

  /** The EtherType after any 802.1Q tag; -1 for a frame too short to carry one. */
  public static int type(byte[] b, int frame, int len) {
    if (len < HEADER) {
      return -1;
    }
    int type = Bytes.u16(b, frame + 12);
    if (type == TYPE_VLAN) {
      return len < HEADER + 4 ? -1 : Bytes.u16(b, frame + 16);
    }
    return type;
  }

  /** The length of the link header: 14, or 18 with an 802.1Q tag. */
  public static int headerLength(byte[] b, int frame) {
    return Bytes.u16(b, frame + 12) == TYPE_VLAN ? HEADER + 4 : HEADER;
  }

  /** Writes a 14-byte untagged header. */
  public static void write(byte[] b, int frame, long dst, long src, int type) {
    Bytes.put48(b, frame, dst);
    Bytes.put48(b, frame + 6, src);
    Bytes.put16(b, frame + 12, type);
  }
}
