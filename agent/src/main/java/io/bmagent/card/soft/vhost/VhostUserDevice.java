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
}
