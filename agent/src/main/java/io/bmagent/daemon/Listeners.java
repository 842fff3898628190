package io.bmagent.daemon;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds the API's servers: TCP for the control plane, a Unix domain socket for local tools. */
final class Listeners {

  /** Requests larger than this are refused before they are parsed; a 200,000-entry mapping upsert fits. */
  static final int MAX_MESSAGE_BYTES = 32 << 20;

  private Listeners() {}

  static Server tcp(InetSocketAddress address, List<BindableService> services) {
    NettyServerBuilder b = NettyServerBuilder.forAddress(address);
    return configure(b, services).build();
  }

  /** A socket only its owner can use: the file is created with mode 0600 by a private umask-free chmod. */
  static Server unix(Path path, List<BindableService> services) {
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare socket " + path, e);
    }
    var group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(path.toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(group)
        .workerEventLoopGroup(group);
    Server server = configure(b, services).build();
    return new ForwardingServer(server, () -> {
      try {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot restrict socket " + path, e);
      }
    }, () -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
  }

  private static NettyServerBuilder configure(NettyServerBuilder b, List<BindableService> services) {
    b.maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .maxConnectionIdle(1, TimeUnit.HOURS);
    services.forEach(b::addService);
    return b;
  }
}
