package io.bmagent.card.soft.nvmetcp;

import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.channels.spi.SelectorProvider;

/** Native epoll where the platform offers it, NIO otherwise; one choice for groups and channels. */
public final class Transports {
  private Transports() {
  }

  /**
   * {@code threads} loops waiting as {@code polling} says, their threads named {@code name-N-M} so that a thread dump
   * or {@code top -H} tells them apart.
   */
  public static EventLoopGroup newGroup(String name, int threads, Polling polling) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, false, Thread.MAX_PRIORITY),
        handler(polling));
  }

  private static IoHandlerFactory handler(Polling polling) {
    SelectStrategyFactory strategy = switch (polling) {
      case SLEEP -> DefaultSelectStrategyFactory.INSTANCE;
      case ADAPTIVE -> AdaptivePoll::new;
      case BUSY -> BusyPoll::new;
    };
    if (Epoll.isAvailable()) {
      return EpollIoHandler.newFactory(0, strategy);
    }
    return NioIoHandler.newFactory(SelectorProvider.provider(), strategy);
  }

  public static Class<? extends ServerChannel> serverChannel() {
    return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public static Class<? extends SocketChannel> socketChannel() {
    return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
