package io.bmagent.card.soft.net;

/** Takes an Ethernet frame to the host. The bytes are the caller's again when the call returns. */
@FunctionalInterface
public interface FrameSink {

  void send(byte[] frame, int offset, int length);

  /**
   * Hands over a frame that may wait in the receiver until {@link #flush}: a port that knows more frames follow
   * (the segments of one TSO frame) lets the receiver batch them.
   */
  default void sendHeld(byte[] frame, int offset, int length) {
    send(frame, offset, length);
  }

  /** Sends what {@link #sendHeld} left waiting. */
  default void flush() {
  }
}
