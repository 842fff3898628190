package io.bmagent.card.soft.net;

/**
 * The host's side of the port: where the host's frames come from and go to (a TAP device, or a queue in tests).
 * Frames handed to the receiver start at offset {@link SoftPipeline#HEADROOM} or later, so the pipeline can
 * encapsulate in place.
 */
public interface HostPort extends FrameSink, AutoCloseable {

  /** Starts delivering the host's frames to {@code receiver}, on the port's own thread. */
  void start(FrameSink receiver);

  @Override
  void close();
}
