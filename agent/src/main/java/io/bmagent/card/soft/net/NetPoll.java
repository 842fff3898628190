package io.bmagent.card.soft.net;

import java.util.Locale;

/**
 * How the data path's receiving thread (the TAP's, which also serves the underlay's socket; or the underlay's own
 * beside a host port without a thread) waits for the next packet: asleep in the kernel ({@code poll}) until one
 * arrives, which costs a thread wake-up per packet that finds the thread asleep, or spinning on non-blocking reads, as
 * a card with cores reserved for its data path runs, which costs a core per thread whether traffic flows or not.
 */
public enum NetPoll {
  SLEEP,
  BUSY;

  /** The value of {@code --card-option net-poll}: {@code sleep} or {@code busy}. */
  public static NetPoll parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "sleep" -> SLEEP;
      case "busy" -> BUSY;
      default -> throw new IllegalArgumentException("net-poll is sleep or busy, not " + value);
    };
  }
}
