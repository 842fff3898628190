package io.bmagent.card.soft.net;

/**
 * The host's side of the port: where the host's frames come from and go to (a TAP device, or a queue in tests).
 * Frames handed to the receiver start at offset {@link SoftPipeline#HEADROOM} or later, so the pipeline can
 * encapsulate in place.
 */
public interface HostPort extends FrameSink, AutoCloseable {

  /** Starts delivering the host's frames to {@code receiver}, on the port's own thread. */
  void start(FrameSink receiver);

  /** Whether the port's thread can also serve a {@link ReceiveQueue} ({@link #start(FrameSink, ReceiveQueue)}). */
  default boolean servesQueue() {
    return false;
  }

  /**
   * Starts as {@link #start(FrameSink)}, the port's thread also draining {@code queue} (null for none) whenever it
   * is readable; only for a port that {@link #servesQueue}.
   */
  default void start(FrameSink receiver, ReceiveQueue queue) {
    if (queue != null) {
      throw new UnsupportedOperationException("this host port has no thread to serve a queue on");
    }
    start(receiver);
  }

  @Override
  void close();
}
