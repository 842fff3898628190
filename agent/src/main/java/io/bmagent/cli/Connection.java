package io.bmagent.cli;

import com.google.protobuf.Duration;
import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.VolumeServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** A channel to the agent and its stubs, each unary call bounded by the call timeout. */
final class Connection implements AutoCloseable {

  private final ManagedChannel channel;
  private final EventLoopGroup group;
  private final Duration timeout;
  final String endpoint;

  private Connection(ManagedChannel channel, EventLoopGroup group, Duration timeout, String endpoint) {
    this.channel = channel;
    this.group = group;
    this.timeout = timeout;
    this.endpoint = endpoint;
  }

  static Connection unix(Path socket, Duration timeout) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
    return new Connection(channel, group, timeout, socket.toString());
  }

  static Connection plaintext(String target, Duration timeout) {
    return new Connection(builder(target).usePlaintext().build(), null, timeout, target);
  }

  /** TLS with the JDK provider: trusts {@code ca} (or the system's CAs) and presents {@code cert} when given. */
  static Connection tls(String target, Path ca, Path cert, Path key, Duration timeout) {
    SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK);
    try {
      if (ca != null) {
        ssl.trustManager(ca.toFile());
      }
      if (cert != null) {
        ssl.keyManager(cert.toFile(), key.toFile());
      }
      return new Connection(builder(target).sslContext(ssl.build()).build(), null, timeout, target);
    } catch (SSLException | IllegalArgumentException e) {
      throw new UsageException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static NettyChannelBuilder builder(String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0) {
      throw new UsageException("--target must be host:port, not " + target);
    }
    String host = target.substring(0, colon).replace("[", "").replace("]", "");
    try {
      return NettyChannelBuilder.forAddress(host, Integer.parseInt(target.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new UsageException("--target must be host:port, not " + target, e);
    }
  }

  private long millis() {
    return timeout.getSeconds() * 1000 + timeout.getNanos() / 1_000_000;
  }

  InstanceServiceGrpc.InstanceServiceBlockingStub instances() {
    return InstanceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(millis(), TimeUnit.MILLISECONDS);
  }

  VolumeServiceGrpc.VolumeServiceBlockingStub volumes() {
    return VolumeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(millis(), TimeUnit.MILLISECONDS);
  }

  NetworkServiceGrpc.NetworkServiceBlockingStub network() {
    return NetworkServiceGrpc.newBlockingStub(channel).withDeadlineAfter(millis(), TimeUnit.MILLISECONDS);
  }

  AgentServiceGrpc.AgentServiceBlockingStub agent() {
    return AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(millis(), TimeUnit.MILLISECONDS);
  }

  /** For the event stream, which runs until the operator stops it. */
  AgentServiceGrpc.AgentServiceBlockingStub agentWithoutDeadline() {
    return AgentServiceGrpc.newBlockingStub(channel);
  }

  HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(millis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
      if (group != null) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
