package io.bmagent.daemon.systemd;

import io.bmagent.reconcile.Reconciler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Tells a stuck reconciler from an idle one: every check queues a heartbeat (a no-op) on the reconciler's thread
 * unless the previous one is still waiting; a heartbeat that waits longer than the threshold means the thread is
 * stuck, typically in a card call that never returns. A long pass under the threshold is healthy.
 */
public final class ReconcilerProbe implements Probe {

  private final Reconciler reconciler;
  private final long stallNanos;
  private CompletableFuture<Void> beat;
  private long beatSince;

  public ReconcilerProbe(Reconciler reconciler, Duration stallAfter) {
    this.reconciler = reconciler;
    this.stallNanos = stallAfter.toNanos();
  }

  @Override
  public synchronized Optional<String> problem() {
    long now = System.nanoTime();
    if (beat != null && beat.isCompletedExceptionally()) {
      return Optional.of("reconciler stopped");
    }
    if (beat == null || beat.isDone()) {
      beat = reconciler.heartbeat();
      beatSince = now;
      return Optional.empty();
    }
    long waited = now - beatSince;
    if (waited > stallNanos) {
      return Optional.of("reconciler stuck for " + Duration.ofNanos(waited).toMillis() + "ms");
    }
    return Optional.empty();
  }
}
