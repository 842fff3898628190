package io.bmagent.card.soft.net;

import java.util.Locale;

/**
 * How the data path's receiving thread (the TAP's, which also serves the underlay's socket; or the underlay's own
 * beside a host port without a thread) waits for the next packet: asleep in the kernel ({@code poll}) until one
 * arrives, which costs a thread wake-up per packet that finds the thread asleep, or spinning on non-blocking reads, as
 * a card with cores reserved for its data path runs, which costs a core per thread while its queue carries traffic.
 */
public enum NetPoll {
  SLEEP,
  BUSY;

  /**
   * How long a {@link #BUSY} thread spins after its last packet before it sleeps in {@code poll} until the next one,
   * so that a queue without traffic gives its core to the queues and the card's work that have some: with one flow,
   * the other queue's spinning took a fifth of that flow's throughput on two cores. A tenth of a second is an order
   * above the gaps inside a request-response flow, so a flow in use never meets a sleeping thread; a port that fell
   * silent pays one wake-up for its next packet.
   */
  public static final long PARK_NANOS = 100_000_000;

  /** The value of {@code --card-option net-poll}: {@code sleep} or {@code busy}. */
  public static NetPoll parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "sleep" -> SLEEP;
      case "busy" -> BUSY;
      default -> throw new IllegalArgumentException("net-poll is sleep or busy, not " + value);
    };
  }
}
