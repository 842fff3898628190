package io.bmagent.card.soft.net;

/** Takes a VXLAN packet (header and inner frame) from the underlay, with the underlay address it came from. */
@FunctionalInterface
public interface TunnelReceiver {

  /** @param sourceUnderlay the outer IPv4 source: the sending card's or gateway's underlay address */
  void receive(int sourceUnderlay, byte[] packet, int offset, int length);

  /** The end of a burst of received packets: what their processing left waiting may go. */
  default void flush() {
  }
}
