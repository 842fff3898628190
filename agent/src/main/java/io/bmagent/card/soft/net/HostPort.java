package io.bmagent.card.soft.net;

import java.util.List;

/**
 * The host's side of the port: where the host's frames come from and go to (a TAP device, or a queue in tests).
 * Frames handed to the receiver start at offset {@link SoftPipeline#HEADROOM} or later, so the pipeline can
 * encapsulate in place.
 */
public interface HostPort extends FrameSink, AutoCloseable {

  /** Starts delivering the host's frames to {@code receiver}, on the port's own thread. */
  void start(FrameSink receiver);

  /** How many queues the port has, each with a thread of its own: 1 unless the port says more. */
  default int queues() {
    return 1;
  }

  /** Frames to the host through queue {@code i}, for that queue's thread to write with. */
  default FrameSink queue(int i) {
    return this;
  }

  /** Whether the port's threads can also serve {@link ReceiveQueue}s ({@link #start(List, List)}). */
  default boolean servesQueues() {
    return false;
  }

  /**
   * Starts a thread per queue: queue {@code i}'s frames go to {@code receivers.get(i)}, and its thread also drains
   * {@code served.get(i)} (if not null) whenever it is readable; {@code served} is null, or only for a port that
   * {@link #servesQueues}.
   */
  default void start(List<FrameSink> receivers, List<ReceiveQueue> served) {
    if (receivers.size() != 1 || served != null && served.get(0) != null) {
      throw new UnsupportedOperationException("this host port has one queue and no thread to serve another on");
    }
    start(receivers.get(0));
  }

  @Override
  void close();
}
