package io.bmagent.card.soft.net.packet;

import java.util.Arrays;
import java.util.List;

/**
 * Builds a server's BOOTREPLY (RFC 2131, 4.3.1, 4.3.2 and 4.3.5) inside a whole Ethernet/IPv4/UDP frame. The options are
 * the ones a cloud's DHCP gives a VM: subnet mask, router, DNS, lease time and interface MTU (RFC 2132, 3 to 9.2).
 */
public final class DhcpReply {

  private static final int UDP_AT = Ethernet.HEADER + Ipv4.MIN_HEADER;
  private static final int BOOTP_AT = UDP_AT + Udp.HEADER;
  /** The smallest BOOTP message relays and clients must accept (RFC 1542, 3.3); shorter replies are padded. */
  private static final int MIN_BOOTP = 300;

  /** What the server hands out. */
  public record Lease(int address, int netmask, int router, List<Integer> dns, int leaseSeconds, int mtu) {

    public Lease {
      dns = List.copyOf(dns);
    }
  }

  private DhcpReply() {}

  /**
   * Writes the reply to the request at {@code req} into {@code out} from offset 0 and returns the frame's length.
   * The reply is broadcast when the client asked so with the broadcast flag, unicast to its hardware address and
   * {@code yiaddr} otherwise (RFC 2131, 4.1); a NAK is always broadcast.
   */
  public static int write(byte[] out, byte[] req, int reqAt, int type, Lease lease, long serverMac, int serverIp) {
    return write(out, req, reqAt, type, false, lease, serverMac, serverIp);
  }

  /**
   * Writes the DHCPACK to a DHCPINFORM (RFC 2131, 4.3.5): the configuration without an address or lease time
   * (yiaddr 0, no option 51), sent to the client's {@code ciaddr}.
   */
  public static int writeInformAck(byte[] out, byte[] req, int reqAt, Lease lease, long serverMac, int serverIp) {
    return write(out, req, reqAt, Dhcp.ACK, true, lease, serverMac, serverIp);
  }

  private static int write(byte[] out, byte[] req, int reqAt, int type, boolean inform, Lease lease, long serverMac,
      int serverIp) {
    long clientMac = Dhcp.chaddr(req, reqAt);
    int bootp = BOOTP_AT;
    int optionsEnd = Math.max(bootp + Dhcp.FIXED + 4 + optionsLength(type, lease), bootp + MIN_BOOTP);
    Arrays.fill(out, 0, optionsEnd, (byte) 0);
    out[bootp] = 2;
    out[bootp + 1] = 1;
    out[bootp + 2] = 6;
    Bytes.put32(out, bootp + 4, Dhcp.xid(req, reqAt));
    Bytes.put16(out, bootp + 10, Dhcp.flags(req, reqAt));
    Bytes.put32(out, bootp + 16, type == Dhcp.NAK || inform ? 0 : lease.address());
    if (inform) {
      Bytes.put32(out, bootp + 12, Dhcp.ciaddr(req, reqAt));
    }
    System.arraycopy(req, reqAt + 28, out, bootp + 28, 16);
    Bytes.put32(out, bootp + Dhcp.FIXED, Dhcp.COOKIE);
    int o = bootp + Dhcp.FIXED + 4;
    o = option(out, o, Dhcp.OPT_MESSAGE_TYPE, 1, type);
    o = option(out, o, Dhcp.OPT_SERVER_ID, 4, serverIp);
    if (type != Dhcp.NAK) {
      if (!inform) {
        o = option(out, o, Dhcp.OPT_LEASE_TIME, 4, lease.leaseSeconds());
      }
      o = option(out, o, Dhcp.OPT_SUBNET_MASK, 4, lease.netmask());
      o = option(out, o, Dhcp.OPT_ROUTER, 4, lease.router());
      if (!lease.dns().isEmpty()) {
        out[o] = (byte) Dhcp.OPT_DNS;
        out[o + 1] = (byte) (4 * lease.dns().size());
        o += 2;
        for (int d : lease.dns()) {
          Bytes.put32(out, o, d);
          o += 4;
        }
      }
      o = option(out, o, Dhcp.OPT_MTU, 2, lease.mtu());
    }
    out[o++] = (byte) Dhcp.OPT_END;
    o = Math.max(o, bootp + MIN_BOOTP);
    boolean broadcast = !inform && (type == Dhcp.NAK || (Dhcp.flags(req, reqAt) & Dhcp.BROADCAST_FLAG) != 0);
    int udpLength = o - UDP_AT;
    int to = inform ? Dhcp.ciaddr(req, reqAt) : lease.address();
    Ethernet.write(out, 0, broadcast ? 0xFFFF_FFFF_FFFFL : clientMac, serverMac, Ethernet.TYPE_IPV4);
    Ipv4.write(out, Ethernet.HEADER, Ipv4.PROTO_UDP, serverIp, broadcast ? Ipv4.BROADCAST : to, udpLength, 64);
    Udp.write(out, Ethernet.HEADER, UDP_AT, Dhcp.SERVER_PORT, Dhcp.CLIENT_PORT, udpLength);
    return o;
  }

  /** The largest frame {@link #write} produces for a lease. */
  public static int maxFrameLength(Lease lease) {
    return BOOTP_AT + Math.max(Dhcp.FIXED + 4 + optionsLength(Dhcp.ACK, lease) + 1, MIN_BOOTP);
  }

  private static int optionsLength(int type, Lease lease) {
    int base = 3 + 6;
    return type == Dhcp.NAK ? base : base + 6 + 6 + 6 + (lease.dns().isEmpty() ? 0 : 2 + 4 * lease.dns().size()) + 4;
  }

  private static int option(byte[] b, int at, int code, int len, int value) {
    b[at] = (byte) code;
    b[at + 1] = (byte) len;
    switch (len) {
      case 1 -> b[at + 2] = (byte) value;
      case 2 -> Bytes.put16(b, at + 2, value);
      default -> Bytes.put32(b, at + 2, value);
    }
    return at + 2 + len;
  }
}
