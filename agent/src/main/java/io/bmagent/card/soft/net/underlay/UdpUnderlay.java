package io.bmagent.card.soft.net.underlay;

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
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The card's underlay as UDP sockets on its underlay address: one bound to the VXLAN port receives, on a Netty event
 * loop; another, on an ephemeral port, sends from the caller's thread. Sending directly costs one system call per
 * packet, where handing each packet to the event loop cost a task and a wake-up of its selector. The kernel builds
 * the outer IPv4 and UDP headers, so the outer source port is the sending socket's rather than the per-flow hash the
 * pipeline computes (RFC 7348, 5 asks only that receivers accept any): ECMP entropy needs a hardware eSwitch or a
 * raw socket.
 */
public final class UdpUnderlay implements Underlay {

  /**
   * The socket's receive buffer: a burst of a TCP window's worth of datagrams must wait there while the event loop
   * is busy, and the kernel's default (208 KiB) overflowed under load, losing a tenth of the packets of a bulk
   * transfer. The kernel caps it at net.core.rmem_max.
   */
  private static final int RECEIVE_BUFFER = 4 << 20;

  private final Channel channel;
  private final DatagramChannel sender;
  private final int port;
  private volatile TunnelReceiver receiver;

  /**
   * Binds to {@code local} and {@code port} (4789 in production; tests may choose another, or 0 for any), and
   * sends to the same port of the other cards.
   *
   * @param group the event loop the socket runs on; received packets are processed on it
   */
  public UdpUnderlay(Ipv4Address local, int port, EventLoopGroup group) throws InterruptedException {
    this.channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
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
        })
        .bind(new InetSocketAddress(address(local.value()), port)).sync().channel();
    this.port = localAddress().getPort();
    try {
      this.sender = DatagramChannel.open(StandardProtocolFamily.INET)
          .bind(new InetSocketAddress(address(local.value()), 0));
    } catch (IOException e) {
      channel.close().syncUninterruptibly();
      throw new UncheckedIOException("cannot bind the underlay's sending socket on " + local, e);
    }
  }

  /** Binds to {@code local} on the VXLAN port. */
  public UdpUnderlay(Ipv4Address local, EventLoopGroup group) throws InterruptedException {
    this(local, Vxlan.PORT, group);
  }

  /** The bound address. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void start(TunnelReceiver r) {
    receiver = r;
  }

  @Override
  public void send(int underlayIp, int sourcePort, byte[] packet, int offset, int length) {
    try {
      sender.send(ByteBuffer.wrap(packet, offset, length), new InetSocketAddress(address(underlayIp), port));
    } catch (IOException e) {
      // A datagram the kernel refuses (no route, full buffer) is lost, as on a wire; the overlay's transports recover.
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
    channel.close().syncUninterruptibly();
    try {
      sender.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
