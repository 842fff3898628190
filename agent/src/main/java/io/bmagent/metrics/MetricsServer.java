package io.bmagent.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Prometheus endpoint: {@code GET /metrics} over HTTP/1.1 on Netty, nothing else. One event-loop thread is enough
 * for a scraper every few seconds; a request body is refused beyond a few kilobytes, since none is expected.
 */
public final class MetricsServer implements AutoCloseable {

  private static final Logger log = Logger.getLogger(MetricsServer.class.getName());
  private static final int MAX_REQUEST_BYTES = 8192;
  /** A kept-alive connection idle this long is closed: longer than any scrape interval, short for a stuck client. */
  private static final Duration IDLE = Duration.ofMinutes(2);

  private final EventLoopGroup group;
  private final Channel channel;

  private MetricsServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /** Binds {@code address} (port 0 picks a free port) and serves {@code metrics}. */
  public static MetricsServer start(InetSocketAddress address, Metrics metrics) throws IOException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              c.pipeline().addLast(new ReadTimeoutHandler(IDLE.toSeconds(), TimeUnit.SECONDS), new HttpServerCodec(),
                  new HttpObjectAggregator(MAX_REQUEST_BYTES), new Handler(metrics));
            }
          })
          .bind(address).sync().channel();
      InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
      log.info(() -> "serving metrics on http://" + bound.getHostString() + ":" + bound.getPort() + "/metrics");
      return new MetricsServer(group, ch);
    } catch (InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while binding " + address, e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final Metrics metrics;

    Handler(Metrics metrics) {
      this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      FullHttpResponse res;
      if (!new QueryStringDecoder(req.uri()).path().equals("/metrics")) {
        res = text(HttpResponseStatus.NOT_FOUND, "only /metrics is served\n");
      } else if (!req.method().equals(HttpMethod.GET)) {
        res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n");
        res.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
      } else {
        res = scrape(ctx);
      }
      boolean keepAlive = HttpUtil.isKeepAlive(req) && res.status().equals(HttpResponseStatus.OK);
      HttpUtil.setKeepAlive(res, keepAlive);
      HttpUtil.setContentLength(res, res.content().readableBytes());
      var written = ctx.writeAndFlush(res);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private FullHttpResponse scrape(ChannelHandlerContext ctx) {
      ByteBuf body = ctx.alloc().buffer();
      try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
        metrics.scrape(out);
      } catch (IOException | RuntimeException e) {
        body.release();
        log.log(Level.WARNING, "metrics scrape failed", e);
        return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed\n");
      }
      var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, Metrics.CONTENT_TYPE);
      return res;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String message) {
      var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      return res;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.log(Level.FINE, "metrics connection failed", cause);
      ctx.close();
    }
  }
}
