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
 * or {@code busy}: each of the TAP's threads, which also serve the underlay's sockets, spins instead of sleeping, a
 * core each, see {@link NetPoll}), {@code net-queues} (the TAP's queues, each with its thread; default one per core,
 * at most 16), {@code storage-poll} ({@code adaptive}, the default, {@code sleep} or {@code busy}, see {@link
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
    int queues = netQueues(options);
    SoftStorageOptions storage = SoftStorageOptions.from(options);
    UdpUnderlay underlay = null;
    try {
      underlay = new UdpUnderlay(underlayIp, port, poll);
      HostPort hostPort = hostPort(options, poll, queues);
      return new SoftCard("SOFT-" + underlayIp, storage, hostPort, underlay, vhost(options));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close(underlay);
      throw new CardException(CardException.Reason.UNAVAILABLE, "interrupted while opening the soft card");
    } catch (IOException | RuntimeException e) {
      close(underlay);
      throw new CardException(CardException.Reason.UNAVAILABLE, "cannot open the soft card on underlay "
          + underlayIp + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static void close(UdpUnderlay underlay) {
    if (underlay != null) {
      underlay.close();
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

  /** One queue per core by default, as a NIC's queues are spread over the cores that serve them. */
  private static int netQueues(Map<String, String> options) {
    String value = options.get("net-queues");
    if (value == null) {
      return Math.min(Runtime.getRuntime().availableProcessors(), 16);
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= 256) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Refused below, naming the option.
    }
    throw new CardException(CardException.Reason.INVALID, "net-queues is 1 to 256, not " + value);
  }

  private static HostPort hostPort(Map<String, String> options, NetPoll poll, int queues)
      throws IOException, InterruptedException {
    String vhost = options.get("host-vhost-user");
    if (vhost != null) {
      return new VhostUserNetPort(Path.of(vhost));
    }
    String netns = options.get("host-netns");
    if (netns == null) {
      return new MemoryHostPort();
    }
    TapHostPort tap = new TapHostPort(options.getOrDefault("host-tap", "bmhost0"), poll, queues);
    tap.moveTo(netns);
    return tap;
  }
}
