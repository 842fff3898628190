package io.bmagent.card.soft.storage;

/**
 * A token bucket that lets a take run into debt: a request bigger than the burst still passes once
 * the bucket holds a full burst, and the debt delays whoever comes next. Over any window the tokens
 * taken never exceed {@code burst + rate * window}. Not thread-safe; the QoS gate serialises it.
 */
final class TokenBucket {
  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long last;

  TokenBucket(long ratePerSecond, long burst, long now) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.last = now;
  }

  /** Nanoseconds until {@code n} tokens may be taken; 0 means now. */
  long delay(long n, long now) {
    tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
    last = now;
    double need = Math.min(n, burst);
    return tokens >= need ? 0 : (long) Math.ceil((need - tokens) / ratePerNano);
  }

  /** Takes {@code n} tokens; call only right after {@link #delay} returned 0. */
  void take(long n) {
    tokens -= n;
  }
}
