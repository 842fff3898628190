package io.bmagent.card.soft.net;

/**
 * Takes a VXLAN packet (header and inner frame) to another card or gateway over the underlay. The bytes are the
 * caller's again when the call returns.
 */
@FunctionalInterface
public interface TunnelSink {

  /**
   * @param underlayIp the destination's underlay IPv4 address
   * @param sourcePort the outer UDP source port for ECMP entropy (RFC 7348, 5)
   */
  void send(int underlayIp, int sourcePort, byte[] packet, int offset, int length);

  /** Like {@link #send}, but the packet may wait until {@link #flush}, to leave with others of its flow. */
  default void hold(int underlayIp, int sourcePort, byte[] packet, int offset, int length) {
    send(underlayIp, sourcePort, packet, offset, length);
  }

  /** Sends what {@link #hold} left waiting. */
  default void flush() {
  }

  /**
   * The largest outer IPv4 packet the underlay carries without fragmenting (RFC 7348, 4.3: VTEPs must not
   * fragment); an in-memory sink has no such limit.
   */
  default int mtu() {
    return 65_535;
  }
}
