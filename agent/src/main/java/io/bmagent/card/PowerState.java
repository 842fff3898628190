package io.bmagent.card;

/** The host's power as the card reports it. */
public enum PowerState {
  OFF,
  ON,
  /** Between states, for example during a graceful shutdown. */
  TRANSITIONING
}
