package io.bmagent.card.soft.nvmetcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A TCP proxy in front of a target that frames the target's PDUs by PLEN (NVMe/TCP 3.3.1) and
 * lets a test rewrite or drop exactly one of them: a target that misbehaves once, on the wire.
 * Host bytes pass unchanged.
 */
final class PduProxy implements AutoCloseable {
  private final EventLoopGroup group = Transports.newGroup("pdu-proxy", 1, Polling.SLEEP);
  private final AtomicReference<UnaryOperator<ByteBuf>> armed = new AtomicReference<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Channel server;

  PduProxy(int targetPort) throws InterruptedException {
    server = new ServerBootstrap().group(group).channel(Transports.serverChannel())
        .childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel host) {
            connections.incrementAndGet();
            Channel target = new Bootstrap().group(host.eventLoop()).channel(Transports.socketChannel())
                .handler(new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, 1 << 26, 4, 4,
                        -8, 0, true), new Relay(host, true));
                  }
                }).connect("127.0.0.1", targetPort).addListener(f -> host.config().setAutoRead(true)).channel();
            host.pipeline().addLast(new Relay(target, false));
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Connections accepted so far: one per queue, so a reconnect shows as more. */
  int connections() {
    return connections.get();
  }

  /**
   * Offers every following target PDU to {@code rewrite} until it returns something other than
   * the PDU it was given: that result (null drops the PDU) is sent instead, once.
   */
  void once(UnaryOperator<ByteBuf> rewrite) {
    armed.set(rewrite);
  }

  private final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final boolean fromTarget;

    Relay(Channel peer, boolean fromTarget) {
      this.peer = peer;
      this.fromTarget = fromTarget;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf pdu = (ByteBuf) msg;
      UnaryOperator<ByteBuf> rewrite = fromTarget ? armed.get() : null;
      if (rewrite != null) {
        ByteBuf out = rewrite.apply(pdu);
        if (out != pdu && armed.compareAndSet(rewrite, null)) {
          if (out == null) {
            pdu.release();
            return;
          }
          pdu = out;
        }
      }
      peer.writeAndFlush(pdu);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      peer.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }
}
