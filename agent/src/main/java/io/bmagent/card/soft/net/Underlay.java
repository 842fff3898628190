package io.bmagent.card.soft.net;

/**
 * The card's side towards the data-center network: VXLAN packets to and from other cards and the gateways. Packets
 * handed to the receiver start with the VXLAN header and come with the underlay address they were sent from.
 */
public interface Underlay extends TunnelSink, AutoCloseable {

  /** Starts delivering received VXLAN packets to {@code receiver}. */
  void start(TunnelReceiver receiver);

  @Override
  void close();
}
