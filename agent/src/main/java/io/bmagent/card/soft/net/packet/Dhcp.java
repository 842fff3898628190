package io.bmagent.card.soft.net.packet;

/**
 * DHCP (RFC 2131) messages and the options (RFC 2132) the card reads from the host and writes back: enough for a
 * host to learn its address, netmask, router, DNS servers, lease time and MTU from its port.
 */
public final class Dhcp {

  public static final int SERVER_PORT = 67;
  public static final int CLIENT_PORT = 68;
  public static final int DISCOVER = 1;
  public static final int OFFER = 2;
  public static final int REQUEST = 3;
  public static final int ACK = 5;
  public static final int NAK = 6;
  public static final int INFORM = 8;
  public static final int OPT_SUBNET_MASK = 1;
  public static final int OPT_ROUTER = 3;
  public static final int OPT_DNS = 6;
  public static final int OPT_MTU = 26;
  public static final int OPT_REQUESTED_IP = 50;
  public static final int OPT_LEASE_TIME = 51;
  public static final int OPT_MESSAGE_TYPE = 53;
  public static final int OPT_SERVER_ID = 54;
  public static final int OPT_END = 255;
  public static final int OPT_PAD = 0;
  /** The fixed part of a BOOTP message up to the options, and the magic cookie that starts them (RFC 2131, 3). */
  public static final int FIXED = 236;
  public static final int COOKIE = 0x63825363;
  public static final int BROADCAST_FLAG = 0x8000;

  private Dhcp() {}

  /** Whether the UDP payload is a BOOTREQUEST with the DHCP cookie. */
  public static boolean isRequest(byte[] b, int at, int len) {
    return len >= FIXED + 4 && b[at] == 1 && Bytes.i32(b, at + FIXED) == COOKIE;
  }

  public static int xid(byte[] b, int at) {
    return Bytes.i32(b, at + 4);
  }

  public static int flags(byte[] b, int at) {
    return Bytes.u16(b, at + 10);
  }

  public static int ciaddr(byte[] b, int at) {
    return Bytes.i32(b, at + 12);
  }

  public static long chaddr(byte[] b, int at) {
    return Bytes.u48(b, at + 28);
  }

  /**
   * The offset of the value of option {@code code} in a message of {@code len} bytes, or -1. Its length is the byte
   * before it.
   */
  public static int findOption(byte[] b, int at, int len, int code) {
    int i = at + FIXED + 4;
    int end = at + len;
    while (i < end) {
      int c = b[i] & 0xff;
      if (c == OPT_END) {
        return -1;
      }
      if (c == OPT_PAD) {
        i++;
        continue;
      }
      if (i + 1 >= end) {
        return -1;
      }
      int l = b[i + 1] & 0xff;
      if (i + 2 + l > end) {
        return -1;
      }
      if (c == code) {
        return i + 2;
      }
      i += 2 + l;
    }
    return -1;
  }

  /** The message type (option 53), or -1. */
  public static int messageType(byte[] b, int at, int len) {
    int o = findOption(b, at, len, OPT_MESSAGE_TYPE);
    return o < 0 || b[o - 1] != 1 ? -1 : b[o] & 0xff;
  }

  /** The server identifier (option 54) a client names when it chooses among offers, or 0. */
  public static int serverId(byte[] b, int at, int len) {
    int o = findOption(b, at, len, OPT_SERVER_ID);
    return o < 0 || b[o - 1] != 4 ? 0 : Bytes.i32(b, o);
  }

  /** The requested address (option 50), or 0. */
  public static int requestedIp(byte[] b, int at, int len) {
    int o = findOption(b, at, len, OPT_REQUESTED_IP);
    return o < 0 || b[o - 1] != 4 ? 0 : Bytes.i32(b, o);
  }
}
