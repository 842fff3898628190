package io.bmagent.card.soft.net;

/** Takes an Ethernet frame to the host. The bytes are the caller's again when the call returns. */
@FunctionalInterface
public interface FrameSink {

  void send(byte[] frame, int offset, int length);
}
