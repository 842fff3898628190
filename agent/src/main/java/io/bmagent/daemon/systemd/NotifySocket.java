package io.bmagent.daemon.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The sending end of systemd's notify protocol: each message is one datagram of newline-separated
 * {@code KEY=value} assignments to the Unix socket named by {@code $NOTIFY_SOCKET}. Java has no Unix datagram sockets,
 * so this uses Netty's epoll transport. A failed send is logged, never thrown: losing systemd must not stop the agent.
 */
public final class NotifySocket implements AutoCloseable {

  private static final Logger log = Logger.getLogger(NotifySocket.class.getName());

  private final String name;
  private final DomainSocketAddress target;
  private final EventLoopGroup group;
  private final Channel channel;
  private volatile boolean failing;

  private NotifySocket(String name) {
    this.name = name;
    this.target = address(name);
    this.group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      // Active on registration: an unbound, unconnected datagram socket can send to any address, like sd_notify(3).
      this.channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
          .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
          .handler(new ChannelInboundHandlerAdapter())
          .register().syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Opens a socket that sends to {@code name}, a path or, starting with {@code @}, an abstract name. */
  public static NotifySocket open(String name) {
    return new NotifySocket(name);
  }

  /** Linux's abstract namespace: a leading NUL instead of systemd's textual {@code @}. */
  static DomainSocketAddress address(String name) {
    if (name.isEmpty() || !(name.startsWith("/") || name.startsWith("@"))) {
      throw new IllegalArgumentException("NOTIFY_SOCKET must be an absolute path or an abstract name: " + name);
    }
    return new DomainSocketAddress(name.startsWith("@") ? "\0" + name.substring(1) : name);
  }

  /**
   * Sends one message and waits briefly for it to be written, so that messages arrive in order and
   * {@code STOPPING=1} leaves before the process exits.
   */
  public boolean send(String message) {
    var packet = new DomainDatagramPacket(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8), target);
    ChannelFuture f = channel.writeAndFlush(packet);
    if (!f.awaitUninterruptibly(2, TimeUnit.SECONDS) || !f.isSuccess()) {
      // Once per outage, not once per watchdog tick.
      if (!failing) {
        failing = true;
        log.warning(() -> "cannot notify systemd at " + name + ": " + (f.cause() == null ? "timeout" : f.cause()));
      }
      return false;
    }
    if (failing) {
      failing = false;
      log.info(() -> "notifying systemd at " + name + " again");
    }
    return true;
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }
}
