package io.bmagent.card.soft.net.underlay;

import io.bmagent.card.soft.net.NetPoll;
import io.bmagent.card.soft.net.ReceiveQueue;
import io.bmagent.card.soft.net.TunnelReceiver;
import io.bmagent.card.soft.net.TunnelSink;
import io.bmagent.card.soft.net.Underlay;
import io.bmagent.card.soft.net.packet.Vxlan;
import io.bmagent.net.Ipv4Address;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The card's underlay on its underlay address: a UDP socket bound to the VXLAN port receives ({@link UdpReceiver}),
 * on a thread of its own that sleeps in {@code poll} or spins as {@link NetPoll} says; or, split into lanes for the
 * queues of a host port ({@link #lanes}), a socket per lane on the same port, each drained by its queue's thread
 * beside the TAP. Packets are sent from the caller's thread ({@link UdpSockets}, one set per lane), where handing each
 * packet to another thread cost a task and a wake-up: from the per-flow source port the pipeline computes (RFC 7348,
 * 5), never fragmented, and a host's TCP segments of one flow batched into one UDP GSO send.
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
  private final int localIp;
  private final UdpReceiver receiving;
  private final Sender sender;
  private final int port;
  private final int mtu;
  /** The lanes' own sockets beyond the first's, for close. */
  private final List<AutoCloseable> laneSockets = new ArrayList<>();

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
    this.localIp = local.value();
    this.port = UdpReceiver.freePort(localIp, port);
    this.receiving = new UdpReceiver(localIp, this.port, RECEIVE_BUFFER);
    try {
      this.mtu = interfaceMtu(local);
    } catch (RuntimeException e) {
      receiving.close();
      throw e;
    }
    this.sender = new Sender(new UdpSockets(localIp, this.port), mtu);
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

  /**
   * Lanes whose sockets the callers' threads wait on and drain, no thread of the underlay's own: the first lane's
   * socket is the one bound at construction, the others join it on the same port (SO_REUSEPORT), so that the kernel
   * spreads the flows over the lanes by their outer ports, which differ per flow (RFC 7348, 5). Each lane sends
   * through sockets of its own, so that one lane's batch never waits on another's.
   */
  @Override
  public synchronized List<Lane> lanes(int n) {
    List<Lane> lanes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      UdpReceiver r = i == 0 ? receiving : new UdpReceiver(localIp, port, RECEIVE_BUFFER);
      Sender s = i == 0 ? sender : new Sender(new UdpSockets(localIp, port), mtu);
      if (i > 0) {
        laneSockets.add(r);
        laneSockets.add(s);
      }
      lanes.add(new Lane() {
        @Override
        public TunnelSink sink() {
          return s;
        }

        @Override
        public ReceiveQueue open(TunnelReceiver receiver) {
          r.start(receiver, null);
          return r;
        }
      });
    }
    return lanes;
  }

  @Override
  public void send(int underlayIp, int sourcePort, byte[] packet, int offset, int length) {
    sender.send(underlayIp, sourcePort, packet, offset, length);
  }

  @Override
  public void hold(int underlayIp, int sourcePort, byte[] packet, int offset, int length) {
    sender.hold(underlayIp, sourcePort, packet, offset, length);
  }

  @Override
  public void flush() {
    sender.flush();
  }

  /** A lane's sending side; its calls are serialized for a caller other than the lane's thread. */
  private static final class Sender implements TunnelSink, AutoCloseable {
    private final UdpSockets sockets;
    private final int mtu;

    Sender(UdpSockets sockets, int mtu) {
      this.sockets = sockets;
      this.mtu = mtu;
    }

    @Override
    public synchronized void send(int underlayIp, int sourcePort, byte[] packet, int offset, int length) {
      sockets.hold(underlayIp, sourcePort, packet, offset, length);
      sockets.flush();
    }

    @Override
    public synchronized void hold(int underlayIp, int sourcePort, byte[] packet, int offset, int length) {
      sockets.hold(underlayIp, sourcePort, packet, offset, length);
    }

    @Override
    public synchronized void flush() {
      sockets.flush();
    }

    @Override
    public int mtu() {
      return mtu;
    }

    @Override
    public synchronized void close() {
      sockets.close();
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
   * Closes the sockets after the receiving thread of its own stopped; a host port serving them ({@link #lanes})
   * must be closed first, as {@link io.bmagent.card.soft.net.SoftNetworkPort#close} does.
   */
  @Override
  public synchronized void close() {
    receiving.close();
    sender.close();
    for (AutoCloseable c : laneSockets) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    laneSockets.clear();
  }
}
