package io.bmagent.card;

import java.util.Optional;

/**
 * The outcome of a batched call: how many items, in order, the card took before it stopped, and why it stopped
 * when it did not take them all.
 */
public record BatchResult(int applied, Optional<CardException> failure) {

  public static BatchResult all(int count) {
    return new BatchResult(count, Optional.empty());
  }

  public static BatchResult stoppedAt(int applied, CardException failure) {
    return new BatchResult(applied, Optional.of(failure));
  }

  public boolean complete() {
    return failure.isEmpty();
  }

  /** Throws the failure, if any. */
  public void orThrow() {
    if (failure.isPresent()) {
      throw failure.get();
    }
  }
}
