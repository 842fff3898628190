package io.bmagent.card;

/** The state of a device's path to the storage cluster. */
public enum PathState {
  CONNECTED,
  /** The connection dropped and the card is reconnecting; host I/O waits. */
  RECONNECTING,
  /** The card gave up reconnecting; host I/O fails. */
  FAILED
}
