package io.bmagent.daemon;

import io.bmagent.daemon.security.ListenerSecurity;
import io.bmagent.daemon.security.LocalPeerCheck;
import io.bmagent.daemon.security.RateLimitInterceptor;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/** Builds the API's servers: TCP for the control plane, a Unix domain socket for local tools. */
final class Listeners {

  private static final Logger log = Logger.getLogger(Listeners.class.getName());

  /** Requests larger than this are refused before they are parsed; a 200,000-entry mapping upsert fits. */
  static final int MAX_MESSAGE_BYTES = 32 << 20;

  private Listeners() {}

  /** With TLS configured the listener is mutual TLS only; without, it is plaintext and meant for loopback. */
  static Server tcp(InetSocketAddress address, List<BindableService> services, ListenerSecurity security) {
    NettyServerBuilder b = NettyServerBuilder.forAddress(address);
    if (security.tls() != null) {
      b.sslContext(security.tls().sslContext());
    } else if (!address.getAddress().isLoopbackAddress()) {
      log.warning(() -> "the control-plane API on " + address + " is plaintext; give --tls-cert, --tls-key and"
          + " --tls-client-ca");
    }
    ExecutorService executor = executor(security, "tcp");
    Server server = configure(b, services, security, executor).build();
    return new ForwardingServer(server, () -> { }, executor::shutdown);
  }

  /** A socket only its owner can use: the file is created with mode 0600 by a private umask-free chmod. */
  static Server unix(Path path, List<BindableService> services, ListenerSecurity security) {
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare socket " + path, e);
    }
    var group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(path.toString()))
        .channelFactory(() -> LocalPeerCheck.serverChannel(security.localUids()))
        .bossEventLoopGroup(group)
        .workerEventLoopGroup(group);
    ExecutorService executor = executor(security, "unix");
    Server server = configure(b, services, security, executor).build();
    return new ForwardingServer(server, () -> {
      try {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot restrict socket " + path, e);
      }
    }, () -> {
      executor.shutdown();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    });
  }

  private static NettyServerBuilder configure(NettyServerBuilder b, List<BindableService> services,
      ListenerSecurity security, ExecutorService executor) {
    b.maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .maxConnectionIdle(1, TimeUnit.HOURS)
        .maxConcurrentCallsPerConnection(security.maxCallsPerConnection())
        .executor(executor)
        .callExecutor(new ReadsOnEventLoop());
    if (security.rateLimit() != null) {
      b.intercept(new RateLimitInterceptor(security.rateLimit()));
    }
    services.forEach(b::addService);
    return b;
  }

  /** gRPC's default executor grows without bound; a fixed pool makes a flood queue rather than spawn threads. */
  private static ExecutorService executor(ListenerSecurity security, String name) {
    AtomicInteger n = new AtomicInteger();
    int threads = security.handlerThreads();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "api-" + name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
