package io.bmagent.daemon.security;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import java.io.IOException;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Sits in the Unix socket's server pipeline, ahead of gRPC, and closes every accepted connection whose peer (by
 * SO_PEERCRED) is not one of the allowed users. The 0600 socket file already keeps others out; this holds even if
 * the file's mode or the directory is loosened by mistake, and it refuses before any HTTP/2 byte is read.
 */
public final class LocalPeerCheck extends ChannelInboundHandlerAdapter {

  private static final Logger log = Logger.getLogger(LocalPeerCheck.class.getName());

  private final Set<Integer> allowedUids;

  private LocalPeerCheck(Set<Integer> allowedUids) {
    this.allowedUids = Set.copyOf(allowedUids);
  }

  /** A server channel for gRPC's channel factory that admits only peers running as one of {@code allowedUids}. */
  public static EpollServerDomainSocketChannel serverChannel(Set<Integer> allowedUids) {
    EpollServerDomainSocketChannel channel = new EpollServerDomainSocketChannel();
    channel.pipeline().addLast(new LocalPeerCheck(allowedUids));
    return channel;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel child = (Channel) msg;
    Integer uid = uid(child);
    if (uid != null && allowedUids.contains(uid)) {
      ctx.fireChannelRead(msg);
      return;
    }
    log.warning(() -> "refused a local connection from uid " + uid + "; allowed: " + allowedUids);
    child.unsafe().closeForcibly();
  }

  private static Integer uid(Channel child) {
    if (!(child instanceof EpollDomainSocketChannel uds)) {
      return null;
    }
    try {
      return uds.peerCredentials().uid();
    } catch (IOException e) {
      log.warning(() -> "cannot read the peer credentials of a local connection: " + e);
      return null;
    }
  }
}
