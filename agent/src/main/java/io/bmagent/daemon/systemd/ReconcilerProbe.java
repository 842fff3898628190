package io.bmagent.daemon.systemd;

import io.bmagent.reconcile.Reconciler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells a stuck reconciler from an idle one: every check queues a heartbeat (a no-op) on the reconciler's thread
 * unless the previous one is still waiting; a heartbeat that waits longer than the threshold means the thread is
 * stuck, typically in a card call that never returns. A long pass under the threshold is healthy.
 */
public final class ReconcilerProbe implements Probe {

  private static final Logger log = Logger.getLogger(ReconcilerProbe.class.getName());

  private final Reconciler reconciler;
  private final long stallNanos;
  private CompletableFuture<Void> beat;
  private long beatSince;
  private boolean reported;

  public ReconcilerProbe(Reconciler reconciler, Duration stallAfter) {
    this.reconciler = reconciler;
    this.stallNanos = stallAfter.toNanos();
  }

  /** Once per stall: the first thing to know after a watchdog restart is which card call hung. */
  private void logStack() {
    Exception where = new Exception("reconciler thread");
    where.setStackTrace(reconciler.stack());
    log.log(Level.WARNING, "reconciler stuck; its thread is at", where);
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
      reported = false;
      return Optional.empty();
    }
    long waited = now - beatSince;
    if (waited > stallNanos) {
      if (!reported) {
        reported = true;
        logStack();
      }
      return Optional.of("reconciler stuck for " + Duration.ofNanos(waited).toMillis() + "ms");
    }
    return Optional.empty();
  }
}
