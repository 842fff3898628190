package io.bmagent.card.soft.net.underlay;

import io.bmagent.card.soft.net.NetPoll;
import io.bmagent.card.soft.net.ReceiveQueue;
import io.bmagent.card.soft.net.TunnelReceiver;
import io.bmagent.card.soft.net.Underlay;
import io.bmagent.card.soft.net.packet.Vxlan;
import io.bmagent.net.Ipv4Address;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * The card's underlay on its underlay address: a UDP socket bound to the VXLAN port receives ({@link UdpReceiver}),
 * on the host port's thread beside its TAP when the host port can serve it ({@link #startShared}), else on a thread
 * of its own that sleeps in {@code poll} or spins as {@link NetPoll} says. Packets are sent from the caller's thread
 * ({@link UdpSockets}), where handing each packet to another thread cost a task and a wake-up: from the per-flow
 * source port the pipeline computes (RFC 7348, 5), never fragmented, and a host's TCP segments of one flow batched
 * into one UDP GSO send.
 */
public final class UdpUnderlay implements Underlay {

  /**
   * The socket's receive buffer: a burst of a TCP window's worth of datagrams must wait there while the receiving
   * thread is busy, and the kernel's default (208 KiB) overflowed under load, losing a tenth of the packets of a bulk
   * transfer. The kernel caps it at net.core.rmem_max. Datagrams are read whole, up to 64 KiB, so that jumbo frames
   * (an inner MTU up to 9000) arrive uncut.
   */
  private static final int RECEIVE_BUFFER = 4 << 20;

  private final NetPoll poll;
  private final UdpReceiver receiving;
  private final UdpSockets sender;
  private final int port;
  private final int mtu;

  /**
   * Binds to {@code local} and {@code port} (4789 in production; tests may choose another, or 0 for any), and
   * sends to the same port of the other cards; a receiving thread of its own sleeps while the socket is empty.
   */
  public UdpUnderlay(Ipv4Address local, int port) {
    this(local, port, NetPoll.SLEEP);
  }

  /** Binds as {@link #UdpUnderlay(Ipv4Address, int)}; a receiving thread of its own waits as {@code poll} says. */
  public UdpUnderlay(Ipv4Address local, int port, NetPoll poll) {
    this.poll = poll;
    this.receiving = new UdpReceiver(local.value(), port, RECEIVE_BUFFER);
    try {
      this.port = localAddress().getPort();
      this.mtu = interfaceMtu(local);
    } catch (RuntimeException e) {
      receiving.close();
      throw e;
    }
    this.sender = new UdpSockets(local.value(), this.port);
  }

  /** Binds to {@code local} on the VXLAN port. */
  public UdpUnderlay(Ipv4Address local) {
    this(local, Vxlan.PORT);
  }

  /** The bound address. */
  public InetSocketAddress localAddress() {
    return receiving.localAddress();
  }

  /**
   * The MTU of the interface that holds the underlay address: in a data center the fabric's, and what the kernel
   * lets a packet with DF set through.
   */
  private static int interfaceMtu(Ipv4Address local) {
    try {
      NetworkInterface nif = NetworkInterface.getByInetAddress(address(local.value()));
      return nif == null ? 1500 : Math.min(nif.getMTU(), 65_535);
    } catch (SocketException e) {
      throw new UncheckedIOException("cannot read the MTU of the interface of " + local, e);
    }
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public void start(TunnelReceiver r) {
    receiving.start(r, poll);
  }

  /** The socket, for the caller's thread to wait on and drain; no thread of the underlay's own is started. */
  @Override
  public ReceiveQueue startShared(TunnelReceiver r) {
    receiving.start(r, null);
    return receiving;
  }

  @Override
  public void send(int underlayIp, int sourcePort, byte[] packet, int offset, int length) {
    synchronized (sender) {
      sender.hold(underlayIp, sourcePort, packet, offset, length);
      sender.flush();
    }
  }

  @Override
  public void hold(int underlayIp, int sourcePort, byte[] packet, int offset, int length) {
    synchronized (sender) {
      sender.hold(underlayIp, sourcePort, packet, offset, length);
    }
  }

  @Override
  public void flush() {
    synchronized (sender) {
      sender.flush();
    }
  }

  private static InetAddress address(int ip) {
    try {
      return InetAddress.getByAddress(new Ipv4Address(ip).toBytes());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Closes the socket after the receiving thread of its own stopped; a host port serving it ({@link #startShared})
   * must be closed first, as {@link io.bmagent.card.soft.net.SoftNetworkPort#close} does.
   */
  @Override
  public void close() {
    receiving.close();
    synchronized (sender) {
      sender.close();
    }
  }
}
