package io.bmagent.card.soft.nvmetcp;

import io.bmagent.card.soft.net.BusyIdle;
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
import java.nio.channels.spi.SelectorProvider;

/** Native epoll where the platform offers it, NIO otherwise; one choice for groups and channels. */
public final class Transports {
  private Transports() {
  }

  public static EventLoopGroup newGroup(int threads) {
    return newGroup(threads, false);
  }

  /**
   * With {@code busy}, the loops never sleep in {@code epoll_wait} (or {@code select}): every turn polls without
   * blocking, so a completion is handled as soon as it lands instead of after a thread wake-up, at the cost of a core
   * per loop whether I/O flows or not; for cards with cores reserved for the data path.
   */
  public static EventLoopGroup newGroup(int threads, boolean busy) {
    return new MultiThreadIoEventLoopGroup(threads, handler(busy));
  }

  private static IoHandlerFactory handler(boolean busy) {
    // The supplier is a non-blocking poll (epoll_wait with timeout 0, selectNow). A loop that only spun would keep
    // any other thread woken on its core (GC, JIT, the caller) off it until the next scheduler tick, 4 ms at HZ=250,
    // stalling the loop's I/O behind it when it does run; BusyIdle yields after a run of empty polls instead.
    SelectStrategyFactory spin = () -> {
      BusyIdle idle = new BusyIdle();
      return (pollNow, hasTasks) -> {
        int ready = pollNow.get();
        if (ready == 0 && !hasTasks) {
          idle.idle();
        } else {
          idle.reset();
        }
        return ready;
      };
    };
    if (Epoll.isAvailable()) {
      return busy ? EpollIoHandler.newFactory(0, spin) : EpollIoHandler.newFactory();
    }
    return busy ? NioIoHandler.newFactory(SelectorProvider.provider(), spin)
        : NioIoHandler.newFactory();
  }

  public static Class<? extends ServerChannel> serverChannel() {
    return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public static Class<? extends SocketChannel> socketChannel() {
    return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
