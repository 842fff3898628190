package io.bmagent.daemon.systemd;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/** What systemd would be in these tests: a Unix datagram socket that records each notify message as it arrives. */
final class NotifyReceiver implements AutoCloseable {

  /** One datagram, with a counter read when it arrived (e.g. the reconciler's passes). */
  record Message(String text, long counter) {}

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final List<Message> received = new ArrayList<>();
  private final Channel channel;
  private volatile LongSupplier counter = () -> 0;

  /** Binds {@code address}: a path, or a NUL followed by an abstract name. */
  NotifyReceiver(String address) {
    channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
        .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
            Message m = new Message(p.content().toString(StandardCharsets.UTF_8), counter.getAsLong());
            synchronized (received) {
              received.add(m);
            }
          }
        })
        .bind(new DomainSocketAddress(address)).syncUninterruptibly().channel();
  }

  void counter(LongSupplier c) {
    counter = c;
  }

  List<Message> messages() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Waits, bounded, for a message at index {@code from} or later that matches, and returns its index. */
  int await(int from, Predicate<String> matches, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      List<Message> all = messages();
      for (int i = from; i < all.size(); i++) {
        if (matches.test(all.get(i).text())) {
          return i;
        }
      }
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what + "; received " + all);
      }
      pause();
    }
  }

  static void pause() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
