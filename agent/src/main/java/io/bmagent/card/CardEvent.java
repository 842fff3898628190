package io.bmagent.card;

/** Something the card noticed by itself. */
public record CardEvent(Kind kind, String objectId, String message) {

  /** What happened. */
  public enum Kind {
    /** A device's path to the storage cluster went down; its I/O waits while the card reconnects. */
    PATH_DOWN,
    /** A device's path is back. */
    PATH_UP,
    /** The host's power state changed. */
    HOST_POWER_CHANGED,
    /** A device reported an error. */
    DEVICE_ERROR,
    /** A freeze reached its timeout and the card thawed the device by itself. */
    FREEZE_TIMEOUT
  }
}
