package io.bmagent.testing;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Client channels the way other callers reach the agent: a Unix socket, mutual TLS, another source address. */
public record TestChannels(ManagedChannel channel, EventLoopGroup group) implements AutoCloseable {

  /** A file of the test-only PKI under src/test/resources/tls (see generate.sh there). */
  public static Path tlsFile(String name) {
    try {
      return Path.of(TestChannels.class.getResource("/tls/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TestChannels unix(Path socket) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    return new TestChannels(NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build(), group);
  }

  /** A TLS client trusting the test CA; {@code client} names its certificate and key, or null for none. */
  public static TestChannels tls(int port, String client) throws Exception {
    SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .trustManager(tlsFile("ca.pem").toFile());
    if (client != null) {
      ssl.keyManager(tlsFile(client + ".pem").toFile(), tlsFile(client + ".key").toFile());
    }
    return new TestChannels(NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ssl.build()).build(), null);
  }

  /** A plaintext client whose connections come from {@code sourceIp}, e.g. 127.0.0.2, to look like another host. */
  public static TestChannels from(String sourceIp, int port) {
    return new TestChannels(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
          @Override
          public InetSocketAddress createSocketAddress(java.net.SocketAddress remote, io.grpc.Attributes attrs) {
            return new InetSocketAddress(sourceIp, 0);
          }
        }).build(), null);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
