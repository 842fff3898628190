package io.bmagent.card.soft;

import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.CardException;
import io.bmagent.card.soft.nvmetcp.NvmeTcpControllerConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How the soft card's initiator behaves, from {@code --card-option} values.
 *
 * @param lossTimeout how long a dropped path may stay down before I/O fails (the kernel's ctrl_loss_tmo); the card
 *     goes on reconnecting in the background after it, see {@link SoftStorage}
 * @param queueDepth commands in flight per I/O queue
 * @param busyPoll {@code storage-poll=busy}: each volume's initiator event loop polls its connections without
 *     sleeping, a core per volume, as SPDK polls its queue pairs on reserved cores; {@code sleep}, the default,
 *     waits in {@code epoll_wait}
 */
record SoftStorageOptions(Duration connectTimeout, Duration lossTimeout, Duration commandTimeout, int queueDepth,
    boolean busyPoll) {

  static SoftStorageOptions from(Map<String, String> options) {
    return new SoftStorageOptions(
        Duration.ofMillis(Long.parseLong(options.getOrDefault("connect-timeout-ms", "5000"))),
        Duration.ofMillis(Long.parseLong(options.getOrDefault("ctrl-loss-timeout-ms", "30000"))),
        Duration.ofMillis(Long.parseLong(options.getOrDefault("command-timeout-ms", "30000"))),
        Integer.parseInt(options.getOrDefault("queue-depth", "128")),
        busyPoll(options.getOrDefault("storage-poll", "sleep")));
  }

  private static boolean busyPoll(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "sleep" -> false;
      case "busy" -> true;
      default -> throw new CardException(CardException.Reason.INVALID, "storage-poll is sleep or busy, not " + value);
    };
  }

  NvmeTcpControllerConfig controllerConfig(BlockDeviceConfig c) {
    return new NvmeTcpControllerConfig(c.path().address(), c.path().port(), c.path().subsystemNqn(),
        c.path().hostNqn())
        .ioQueues(c.queues())
        .queueDepth(queueDepth)
        .connectTimeoutMillis(connectTimeout.toMillis())
        .controllerLossTimeoutMillis(lossTimeout.toMillis())
        .commandTimeoutMillis(commandTimeout.toMillis())
        .busyPoll(busyPoll)
        .digests(c.path().digests().header(), c.path().digests().data());
  }
}
