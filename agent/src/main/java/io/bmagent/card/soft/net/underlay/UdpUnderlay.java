package io.bmagent.card.soft.net.underlay;

import io.bmagent.card.soft.net.NetPoll;
import io.bmagent.card.soft.net.TunnelReceiver;
import io.bmagent.card.soft.net.Underlay;
import io.bmagent.card.soft.net.packet.Vxlan;
import io.bmagent.net.Ipv4Address;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * The card's underlay on its underlay address: a UDP socket bound to the VXLAN port receives, on a Netty event loop;
 * packets are sent from the caller's thread ({@link UdpSockets}), where handing each packet to the event loop cost a
 * task and a wake-up of its selector: from the per-flow source port the pipeline computes (RFC 7348, 5), never
 * fragmented, and a host's TCP segments of one flow batched into one UDP GSO send. With {@link NetPoll#BUSY} a thread
 * of the underlay's own spins on the socket instead ({@link SpinningReceiver}) and the event loop is not used.
 */
public final class UdpUnderlay implements Underlay {

  /**
   * The socket's receive buffer: a burst of a TCP window's worth of datagrams must wait there while the event loop
   * is busy, and the kernel's default (208 KiB) overflowed under load, losing a tenth of the packets of a bulk
   * transfer. The kernel caps it at net.core.rmem_max.
   */
  private static final int RECEIVE_BUFFER = 4 << 20;

  /**
   * The largest datagram read: a whole IPv4 packet, so that jumbo frames (an inner MTU up to 9000) and anything
   * larger on the wire arrive whole instead of cut at Netty's default of 2048 bytes.
   */
  private static final int MAX_DATAGRAM = 65_536;
  /** Datagrams read before the burst ends and what it left waiting (frames for the host) is handed on. */
  private static final int READ_BURST = 64;

  /** The event loop's channel with {@link NetPoll#SLEEP}, else null. */
  private final Channel channel;
  /** The spinning receiver with {@link NetPoll#BUSY}, else null. */
  private final SpinningReceiver spinner;
  private final UdpSockets sender;
  private final int port;
  private final int mtu;
  private volatile TunnelReceiver receiver;

  /**
   * Binds to {@code local} and {@code port} (4789 in production; tests may choose another, or 0 for any), and
   * sends to the same port of the other cards.
   *
   * @param group the event loop the socket runs on; received packets are processed on it
   */
  public UdpUnderlay(Ipv4Address local, int port, EventLoopGroup group) throws InterruptedException {
    this(local, port, group, NetPoll.SLEEP);
  }

  /**
   * Binds as {@link #UdpUnderlay(Ipv4Address, int, EventLoopGroup)}, receiving as {@code poll} says.
   *
   * @param group the event loop received packets are processed on with {@link NetPoll#SLEEP}; unused with
   *     {@link NetPoll#BUSY}
   */
  public UdpUnderlay(Ipv4Address local, int port, EventLoopGroup group, NetPoll poll) throws InterruptedException {
    if (poll == NetPoll.BUSY) {
      this.channel = null;
      this.spinner = new SpinningReceiver(local.value(), port, RECEIVE_BUFFER, new TunnelReceiver() {
        @Override
        public void receive(int sourceUnderlay, byte[] packet, int offset, int length) {
          TunnelReceiver r = receiver;
          if (r != null) {
            r.receive(sourceUnderlay, packet, offset, length);
          }
        }

        @Override
        public void flush() {
          TunnelReceiver r = receiver;
          if (r != null) {
            r.flush();
          }
        }
      });
    } else {
      this.spinner = null;
      this.channel = bind(local, port, group);
    }
    try {
      this.port = localAddress().getPort();
      this.mtu = interfaceMtu(local);
    } catch (RuntimeException e) {
      closeReceiving();
      throw e;
    }
    this.sender = new UdpSockets(local.value(), this.port);
  }

  private Channel bind(Ipv4Address local, int port, EventLoopGroup group) throws InterruptedException {
    return new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM).maxMessagesPerRead(READ_BURST))
        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
          /** The event loop's own copy buffer: one per channel, used by its single thread. */
          private final byte[] scratch = new byte[65_536];

          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            TunnelReceiver r = receiver;
            ByteBuf content = msg.content();
            int n = content.readableBytes();
            byte[] from = msg.sender().getAddress().getAddress();
            if (r == null || n > scratch.length || from.length != 4) {
              return;
            }
            content.getBytes(content.readerIndex(), scratch, 0, n);
            r.receive(Ipv4Address.fromBytes(from, 0).value(), scratch, 0, n);
          }

          @Override
          public void channelReadComplete(ChannelHandlerContext ctx) {
            TunnelReceiver r = receiver;
            if (r != null) {
              r.flush();
            }
          }
        })
        .bind(new InetSocketAddress(address(local.value()), port)).sync().channel();
  }

  /** Binds to {@code local} on the VXLAN port. */
  public UdpUnderlay(Ipv4Address local, EventLoopGroup group) throws InterruptedException {
    this(local, Vxlan.PORT, group);
  }

  /** The bound address. */
  public InetSocketAddress localAddress() {
    return channel != null ? (InetSocketAddress) channel.localAddress() : spinner.localAddress();
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
    receiver = r;
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

  @Override
  public void close() {
    receiver = null;
    closeReceiving();
    synchronized (sender) {
      sender.close();
    }
  }

  private void closeReceiving() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
    } else {
      spinner.close();
    }
  }
}
