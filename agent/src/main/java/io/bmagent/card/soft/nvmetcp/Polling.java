package io.bmagent.card.soft.nvmetcp;

import java.util.Locale;

/** How an NVMe/TCP event loop waits for its connections ({@code --card-option storage-poll}). */
public enum Polling {
  /** Waits in {@code epoll_wait} whenever nothing is ready: no CPU while idle, a thread wake-up per completion. */
  SLEEP,
  /**
   * Goes on polling without blocking for a short window after the last event before it waits, as Linux's
   * {@code net.core.busy_poll} does for sockets: a completion that lands within the window is handled without a
   * wake-up, and an idle loop still sleeps. The default.
   */
  ADAPTIVE,
  /** Never sleeps: a core per loop, as SPDK polls its queue pairs on reserved cores. */
  BUSY;

  /** {@code sleep}, {@code adaptive} or {@code busy}, any case. */
  public static Polling parse(String value) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sleep, adaptive or busy, not " + value, e);
    }
  }
}
