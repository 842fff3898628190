package io.bmagent.card.soft;

import io.bmagent.card.Card;
import io.bmagent.card.CardException;
import io.bmagent.card.CardProvider;
import io.bmagent.card.soft.net.HostPort;
import io.bmagent.card.soft.net.MemoryHostPort;
import io.bmagent.card.soft.net.NetPoll;
import io.bmagent.card.soft.net.tap.TapHostPort;
import io.bmagent.card.soft.net.underlay.UdpUnderlay;
import io.bmagent.card.soft.vhost.net.VhostUserNetPort;
import io.bmagent.net.Ipv4Address;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Opens the soft card. Options: {@code underlay} (the card's underlay address, default 127.0.0.2),
 * {@code underlay-port} (default 4789), {@code host-netns} (put the host port, a TAP device, into this network
 * namespace; without it the host port has nothing plugged in), {@code host-tap} (its name, default bmhost0),
 * {@code host-vhost-user} (instead, the host port is a vhost-user-net device served on this socket path),
 * {@code vhost-user-dir} (serve the host's disks there as vhost-user-blk sockets, {@code <volume id>.sock}, while
 * the host is on), {@code host-qemu} (an image directory from guest/build-image.sh: the host is a QEMU guest on
 * those sockets, started, shut down and reset by the host's power), {@code net-poll} ({@code sleep}, the default,
 * or {@code busy}: the TAP reader and the underlay's receiver spin instead of sleeping, a core each, see
 * {@link NetPoll}), {@code storage-poll} ({@code adaptive}, the default, {@code sleep} or {@code busy}, see {@link
 * io.bmagent.card.soft.nvmetcp.Polling}) and the initiator's timeouts (see
 * {@link SoftStorageOptions}).
 */
public final class SoftCardProvider implements CardProvider {

  @Override
  public String name() {
    return "soft";
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public Optional<String> unavailabilityCause() {
    return Optional.empty();
  }

  @Override
  public Card open(Map<String, String> options) {
    Ipv4Address underlayIp = Ipv4Address.parse(options.getOrDefault("underlay", "127.0.0.2"));
    int port = Integer.parseInt(options.getOrDefault("underlay-port", "4789"));
    NetPoll poll = netPoll(options);
    SoftStorageOptions storage = SoftStorageOptions.from(options);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      UdpUnderlay underlay = new UdpUnderlay(underlayIp, port, group, poll);
      HostPort hostPort = hostPort(options, poll);
      return new SoftCard("SOFT-" + underlayIp, storage, hostPort, underlay,
          () -> group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS),
          vhost(options));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully();
      throw new CardException(CardException.Reason.UNAVAILABLE, "interrupted while opening the soft card");
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully();
      throw new CardException(CardException.Reason.UNAVAILABLE, "cannot open the soft card on underlay "
          + underlayIp + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static SoftCard.VhostOptions vhost(Map<String, String> options) {
    String dir = options.get("vhost-user-dir");
    String qemu = options.get("host-qemu");
    if (qemu != null && dir == null) {
      throw new CardException(CardException.Reason.INVALID, "host-qemu needs vhost-user-dir for the host's disks");
    }
    return dir == null ? SoftCard.VhostOptions.NONE
        : new SoftCard.VhostOptions(Path.of(dir), qemu == null ? null : Path.of(qemu));
  }

  private static NetPoll netPoll(Map<String, String> options) {
    try {
      return NetPoll.parse(options.getOrDefault("net-poll", "sleep"));
    } catch (IllegalArgumentException e) {
      throw new CardException(CardException.Reason.INVALID, e.getMessage());
    }
  }

  private static HostPort hostPort(Map<String, String> options, NetPoll poll) throws IOException, InterruptedException {
    String vhost = options.get("host-vhost-user");
    if (vhost != null) {
      return new VhostUserNetPort(Path.of(vhost));
    }
    String netns = options.get("host-netns");
    if (netns == null) {
      return new MemoryHostPort();
    }
    TapHostPort tap = new TapHostPort(options.getOrDefault("host-tap", "bmhost0"), poll);
    tap.moveTo(netns);
    return tap;
  }
}
