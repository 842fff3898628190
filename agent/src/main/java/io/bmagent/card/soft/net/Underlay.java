package io.bmagent.card.soft.net;

import java.util.ArrayList;
import java.util.List;

/**
 * The card's side towards the data-center network: VXLAN packets to and from other cards and the gateways. Packets
 * handed to the receiver start with the VXLAN header and come with the underlay address they were sent from.
 */
public interface Underlay extends TunnelSink, AutoCloseable {

  /** Starts delivering received VXLAN packets to {@code receiver}, on a thread of the underlay's own. */
  void start(TunnelReceiver receiver);

  /**
   * One lane of the underlay, for one thread of the caller's (a host port's queue): where that thread sends, and the
   * packets it receives.
   */
  interface Lane {

    /** Sends from the lane's thread. */
    TunnelSink sink();

    /**
     * Starts delivering the lane's received packets to {@code receiver}, on the lane's thread, which must
     * {@link ReceiveQueue#drain} the returned queue whenever its descriptor is readable; or, returning null, on a
     * thread of the underlay's own, or not at all for a lane without packets of its own.
     */
    ReceiveQueue open(TunnelReceiver receiver);
  }

  /**
   * Splits the underlay into {@code n} lanes, once, instead of {@link #start}. This default has one lane that
   * receives, as {@link #start} does, and sends from every lane through this underlay.
   */
  default List<Lane> lanes(int n) {
    List<Lane> lanes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean first = i == 0;
      lanes.add(new Lane() {
        @Override
        public TunnelSink sink() {
          return Underlay.this;
        }

        @Override
        public ReceiveQueue open(TunnelReceiver receiver) {
          if (first) {
            start(receiver);
          }
          return null;
        }
      });
    }
    return lanes;
  }

  @Override
  void close();
}
