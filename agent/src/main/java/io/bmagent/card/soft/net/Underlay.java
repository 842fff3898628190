package io.bmagent.card.soft.net;

/**
 * The card's side towards the data-center network: VXLAN packets to and from other cards and the gateways. Packets
 * handed to the receiver start with the VXLAN header and come with the underlay address they were sent from.
 */
public interface Underlay extends TunnelSink, AutoCloseable {

  /** Starts delivering received VXLAN packets to {@code receiver}, on a thread of the underlay's own. */
  void start(TunnelReceiver receiver);

  /**
   * Starts delivering received VXLAN packets to {@code receiver} on a thread of the caller's, which must
   * {@link ReceiveQueue#drain} the returned queue whenever its descriptor is readable; or, returning null, as
   * {@link #start} does, for an underlay without a descriptor to wait on.
   */
  default ReceiveQueue startShared(TunnelReceiver receiver) {
    start(receiver);
    return null;
  }

  @Override
  void close();
}
