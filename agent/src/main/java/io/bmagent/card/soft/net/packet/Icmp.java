package io.bmagent.card.soft.net.packet;

/** ICMP (RFC 792): echo request and reply, which are all the card tracks as flows by their identifier. */
public final class Icmp {

  public static final int HEADER = 8;
  public static final int ECHO_REPLY = 0;
  public static final int ECHO_REQUEST = 8;

  private Icmp() {}

  public static int type(byte[] b, int icmp) {
    return b[icmp] & 0xff;
  }

  public static int identifier(byte[] b, int icmp) {
    return Bytes.u16(b, icmp + 4);
  }

  public static boolean isEcho(int type) {
    return type == ECHO_REQUEST || type == ECHO_REPLY;
  }

  /** Recomputes the checksum over the whole message; ICMP has no pseudo-header. */
  public static void updateChecksum(byte[] b, int icmp, int len) {
    Bytes.put16(b, icmp + 2, 0);
    Bytes.put16(b, icmp + 2, Checksum.of(b, icmp, len));
  }

  /** Writes an echo header (type, code 0, identifier, sequence) in front of a payload already in place. */
  public static void writeEcho(byte[] b, int icmp, int type, int identifier, int sequence, int len) {
    b[icmp] = (byte) type;
    b[icmp + 1] = 0;
    Bytes.put16(b, icmp + 4, identifier);
    Bytes.put16(b, icmp + 6, sequence);
    updateChecksum(b, icmp, len);
  }
}
