package io.bmagent.card;

/**
 * An opened offload card. Implementations are thread-safe; the reconciler is their only writer, so they need not
 * optimise for concurrent mutation.
 */
public interface Card extends AutoCloseable {

  /** What the card is and what it can do; constant while the card is open. */
  CardInfo info();

  /** The host's power. */
  HostPower host();

  /** NVMe-oF connections and the emulated block devices backed by them. */
  BlockDevices storage();

  /** The host's network port, its policy tables and the overlay location table. */
  NetworkPort network();

  /**
   * Registers the listener for card events, replacing any earlier one. Events arrive on a card-owned thread; the
   * listener must hand work off rather than call back into the card.
   */
  void setListener(CardListener listener);

  @Override
  void close();
}
