package io.bmagent.lab.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.soft.nvmetcp.C2HDataPdu;
import io.bmagent.card.soft.nvmetcp.CapsuleCommandPdu;
import io.bmagent.card.soft.nvmetcp.CapsuleResponsePdu;
import io.bmagent.card.soft.nvmetcp.Cqe;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPdu;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPduDecoder;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPduEncoder;
import io.bmagent.card.soft.nvmetcp.PduCodecConfig;
import io.bmagent.card.soft.nvmetcp.Sqe;
import io.bmagent.card.soft.nvmetcp.Polling;
import io.bmagent.card.soft.nvmetcp.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare PDU-level host for driving the target step by step, as a spec-following host would. */
final class RawHost implements AutoCloseable {
  final PduCodecConfig codec = new PduCodecConfig(true, 1 << 24);
  final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  final Channel channel;
  private final EventLoopGroup group;

  RawHost(int port) throws InterruptedException {
    group = Transports.newGroup("raw-host", 1, Polling.SLEEP);
    channel = new Bootstrap().group(group).channel(Transports.socketChannel())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new NvmeTcpPduEncoder(codec), new NvmeTcpPduDecoder(codec),
                new SimpleChannelInboundHandler<NvmeTcpPdu>(false) {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, NvmeTcpPdu msg) {
                    received.add(msg);
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close();
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    received.add("closed");
                  }
                });
          }
        }).connect("127.0.0.1", port).sync().channel();
  }

  void send(NvmeTcpPdu pdu) throws InterruptedException {
    channel.eventLoop().submit(() -> channel.writeAndFlush(pdu)).sync();
  }

  /** Sends bytes as they are, e.g. a PDU encoded elsewhere and then damaged. */
  void sendRaw(ByteBuf bytes) throws InterruptedException {
    channel.eventLoop().submit(() -> channel.writeAndFlush(bytes)).sync();
  }

  /** Runs on the event loop, e.g. to switch digests on before the next PDU is read. */
  void onLoop(Runnable r) throws InterruptedException {
    channel.eventLoop().submit(r).sync();
  }

  /** Sends {@code sqe} as command {@code cid}, with {@code inCapsule} data if given, and returns its completion. */
  Cqe command(Sqe sqe, int cid, ByteBuf inCapsule) throws InterruptedException {
    sqe.cid(cid);
    if (inCapsule != null) {
      sqe.sgl(Sqe.SGL_INCAPSULE, 0, inCapsule.readableBytes());
    }
    send(new CapsuleCommandPdu(sqe, inCapsule));
    Cqe cqe = next(CapsuleResponsePdu.class).cqe();
    assertEquals(cid, cqe.cid());
    return cqe;
  }

  /**
   * Sends {@code sqe} as command {@code cid} reading {@code len} bytes, and returns them gathered from its C2HData
   * PDUs, each checked to continue where the last ended, after a successful completion.
   */
  ByteBuf readData(Sqe sqe, int cid, int len) throws InterruptedException {
    send(new CapsuleCommandPdu(sqe.cid(cid).sgl(Sqe.SGL_TRANSPORT, 0, len), null));
    ByteBuf all = Unpooled.buffer(len);
    for (boolean last = false; !last; ) {
      C2HDataPdu d = next(C2HDataPdu.class);
      assertEquals(cid, d.cccid());
      assertEquals(all.writerIndex(), d.datao());
      all.writeBytes(d.content());
      last = d.last();
      d.release();
    }
    Cqe cqe = next(CapsuleResponsePdu.class).cqe();
    assertTrue(cqe.ok(), "status " + cqe);
    assertEquals(len, all.readableBytes());
    return all;
  }

  @SuppressWarnings("unchecked")
  <T> T next(Class<T> type) throws InterruptedException {
    Object o = received.poll(10, TimeUnit.SECONDS);
    if (!type.isInstance(o)) {
      ReferenceCountUtil.release(o);
      throw new AssertionError("expected " + type.getSimpleName() + " but got " + o);
    }
    return (T) o;
  }

  @Override
  public void close() throws InterruptedException {
    channel.close().sync();
    received.forEach(ReferenceCountUtil::release);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }
}
