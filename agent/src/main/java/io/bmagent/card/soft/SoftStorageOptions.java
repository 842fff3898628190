package io.bmagent.card.soft;

import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.CardException;
import io.bmagent.card.soft.nvmetcp.NvmeTcpControllerConfig;
import io.bmagent.card.soft.nvmetcp.Polling;
import java.time.Duration;
import java.util.Map;

/**
 * How the soft card's initiator behaves, from {@code --card-option} values.
 *
 * @param lossTimeout how long a dropped path may stay down before I/O fails (the kernel's ctrl_loss_tmo); the card
 *     goes on reconnecting in the background after it, see {@link SoftStorage}
 * @param queueDepth commands in flight per I/O queue
 * @param polling {@code storage-poll}: how each volume's initiator event loop waits for its connections,
 *     {@code adaptive} (the default), {@code sleep} or {@code busy}, see {@link Polling}
 */
record SoftStorageOptions(Duration connectTimeout, Duration lossTimeout, Duration commandTimeout, int queueDepth,
    Polling polling) {

  static SoftStorageOptions from(Map<String, String> options) {
    return new SoftStorageOptions(
        Duration.ofMillis(Long.parseLong(options.getOrDefault("connect-timeout-ms", "5000"))),
        Duration.ofMillis(Long.parseLong(options.getOrDefault("ctrl-loss-timeout-ms", "30000"))),
        Duration.ofMillis(Long.parseLong(options.getOrDefault("command-timeout-ms", "30000"))),
        Integer.parseInt(options.getOrDefault("queue-depth", "128")),
        polling(options.getOrDefault("storage-poll", "adaptive")));
  }

  private static Polling polling(String value) {
    try {
      return Polling.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CardException(CardException.Reason.INVALID, "storage-poll is " + e.getMessage());
    }
  }

  NvmeTcpControllerConfig controllerConfig(BlockDeviceConfig c) {
    return new NvmeTcpControllerConfig(c.path().address(), c.path().port(), c.path().subsystemNqn(),
        c.path().hostNqn())
        .ioQueues(c.queues())
        .queueDepth(queueDepth)
        .connectTimeoutMillis(connectTimeout.toMillis())
        .controllerLossTimeoutMillis(lossTimeout.toMillis())
        .commandTimeoutMillis(commandTimeout.toMillis())
        .polling(polling)
        .digests(c.path().digests().header(), c.path().digests().data());
  }
}
