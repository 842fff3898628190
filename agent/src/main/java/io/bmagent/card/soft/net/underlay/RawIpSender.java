package io.bmagent.card.soft.net.underlay;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.bmagent.card.soft.net.packet.Bytes;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Udp;

/**
 * Sends VXLAN packets with outer IPv4 and UDP headers the card writes itself, on a raw socket
 * ({@code IPPROTO_RAW}, which implies {@code IP_HDRINCL} and receives nothing): a UDP socket would put its own port
 * in every packet, where RFC 7348, 5 wants the source port from a hash of the inner flow so that the underlay's
 * ECMP and the receivers' RSS spread the flows. DF is set on every packet: a VTEP must not fragment (RFC 7348,
 * 4.3), and a raw socket refuses a packet over the interface's MTU rather than fragmenting it. Needs CAP_NET_RAW;
 * {@link #open} returns null without it.
 */
final class RawIpSender implements AutoCloseable {

  private static final int AF_INET = 2;
  private static final int SOCK_RAW = 3;
  private static final int IPPROTO_RAW = 255;
  private static final int OUTER = Ipv4.MIN_HEADER + Udp.HEADER;
  private static final int MAX_PACKET = 65_535;

  static {
    Native.register(Platform.C_LIBRARY_NAME);
  }

  private final int fd;
  private final int localIp;
  private final int port;
  private final byte[] header = new byte[OUTER];
  private final Memory packet = new Memory(MAX_PACKET);
  private final Memory address = new Memory(16);
  private boolean closed;

  private RawIpSender(int fd, int localIp, int port) {
    this.fd = fd;
    this.localIp = localIp;
    this.port = port;
    address.clear();
    // struct sockaddr_in: the family in host order, port 0, the address (network order) set per send.
    address.setShort(0, (short) AF_INET);
  }

  /** A sender from {@code localIp} to the VXLAN {@code port} of its peers, or null without CAP_NET_RAW. */
  static RawIpSender open(int localIp, int port) {
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    return fd < 0 ? null : new RawIpSender(fd, localIp, port);
  }

  /**
   * Sends one VXLAN packet; returns false when the kernel refused it (no route, full buffer, over the MTU): lost,
   * as on a wire.
   */
  synchronized boolean send(int dstIp, int sourcePort, byte[] b, int off, int len) {
    if (closed || OUTER + len > MAX_PACKET) {
      return false;
    }
    int total = OUTER + len;
    header[0] = 0x45;
    header[1] = 0;
    Bytes.put16(header, 2, total);
    // Identification 0 with DF (RFC 6864, 4.1: the field is meaningless on atomic datagrams); the kernel fills the
    // header checksum of a raw packet.
    Bytes.put32(header, 4, 0x4000);
    header[8] = 64;
    header[9] = (byte) Ipv4.PROTO_UDP;
    Bytes.put16(header, 10, 0);
    Bytes.put32(header, 12, localIp);
    Bytes.put32(header, 16, dstIp);
    Bytes.put16(header, 20, sourcePort);
    Bytes.put16(header, 22, port);
    Bytes.put16(header, 24, Udp.HEADER + len);
    // A zero UDP checksum, as RFC 7348, 5 allows over IPv4 (the inner frame carries its own checksums).
    Bytes.put16(header, 26, 0);
    packet.write(0, header, 0, OUTER);
    packet.write(OUTER, b, off, len);
    for (int i = 0; i < 4; i++) {
      address.setByte(4 + i, (byte) (dstIp >>> (24 - 8 * i)));
    }
    return sendto(fd, packet, new NativeLong(total), 0, address, 16).longValue() == total;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      close(fd);
    }
  }

  private static native int socket(int domain, int type, int protocol);

  private static native NativeLong sendto(int fd, Pointer buf, NativeLong len, int flags, Pointer addr, int addrLen);

  private static native int close(int fd);
}
