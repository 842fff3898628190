package io.bmagent.daemon.security;

import java.util.function.LongSupplier;

/** A token bucket: {@code burst} calls at once, then {@code perSecond} on average. Thread-safe. */
final class TokenBucket {

  private final double perNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  TokenBucket(RateLimit limit, LongSupplier nanoTime) {
    this.perNano = limit.perSecond() / 1e9;
    this.burst = limit.burst();
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  synchronized boolean tryTake() {
    refill();
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** True when the bucket has refilled completely: its peer has been quiet long enough to be forgotten. */
  synchronized boolean isFull() {
    refill();
    return tokens >= burst;
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
  }
}
