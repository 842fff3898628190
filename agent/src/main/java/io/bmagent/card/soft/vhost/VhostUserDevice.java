package io.bmagent.card.soft.vhost;

/** What makes a vhost-user back-end a particular virtio device. */
public interface VhostUserDevice {

  /** The virtio feature bits offered (device-specific and ring bits); the server adds the vhost-user ones. */
  long features();

  /** Queues the device can serve (GET_QUEUE_NUM). */
  int maxQueues();

  /** The device's configuration space (virtio 1.1, 4.1.4.7 ff.), read by GET_CONFIG. */
  byte[] config();

  /** Serves one request from queue {@code queue}; the device completes the chain exactly once, from any thread. */
  void handle(int queue, DescriptorChain chain);

  /**
   * True when requests must survive a back-end restart (a disk's writes), so the server offers inflight tracking
   * (VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD); a NIC may lose frames and does not.
   */
  default boolean tracksInflight() {
    return false;
  }

  /**
   * True for a queue the device takes buffers from when it has something to put in them (a network receive
   * queue) rather than when the driver kicks; such a queue is handed over by {@link #started}.
   */
  default boolean receives(int queue) {
    return false;
  }

  /** A queue the device {@link #receives} on has started ({@code q}) or stopped (null). */
  default void started(int queue, Virtqueue q) {
  }
}
