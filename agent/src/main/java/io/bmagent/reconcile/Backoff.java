package io.bmagent.reconcile;

import java.time.Duration;

/** Exponential backoff with a cap: 100 ms, 200 ms, ... up to the cap. */
public record Backoff(Duration initial, Duration cap) {

  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));

  public Duration delay(int failedAttempts) {
    int shift = Math.min(Math.max(failedAttempts - 1, 0), 20);
    long ms = initial.toMillis() << shift;
    return Duration.ofMillis(Math.min(ms, cap.toMillis()));
  }
}
