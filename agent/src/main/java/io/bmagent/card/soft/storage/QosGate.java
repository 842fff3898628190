package io.bmagent.card.soft.storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Admits requests in arrival order once both the IOPS and the bandwidth bucket allow. A request
 * that must wait is parked and a single timer wakes the queue when the head can go, so nothing
 * sleeps and order is kept (no small request overtakes a big one, which would starve it).
 */
final class QosGate {
  private final ScheduledExecutorService scheduler;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private QosLimits limits = QosLimits.UNLIMITED;
  private TokenBucket iops;
  private TokenBucket bandwidth;
  private ScheduledFuture<?> wakeup;

  private record Waiting(long bytes, Runnable admit) {
  }

  QosGate(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  void limits(QosLimits l) {
    synchronized (this) {
      long now = System.nanoTime();
      limits = l;
      iops = l.iops() > 0 ? new TokenBucket(l.iops(), l.iopsBurst(), now) : null;
      bandwidth = l.bytesPerSecond() > 0 ? new TokenBucket(l.bytesPerSecond(), l.bytesBurst(), now) : null;
    }
    pump();
  }

  synchronized QosLimits limits() {
    return limits;
  }

  /** Runs {@code admit} now or once tokens allow; it runs on the caller or the scheduler. */
  void acquire(long bytes, Runnable admit) {
    synchronized (this) {
      if (!limits.unlimited() || !queue.isEmpty()) {
        queue.add(new Waiting(bytes, admit));
        admit = null;
      }
    }
    if (admit != null) {
      admit.run();
    } else {
      pump();
    }
  }

  synchronized int waiting() {
    return queue.size();
  }

  private void wake() {
    synchronized (this) {
      wakeup = null;
    }
    pump();
  }

  private void pump() {
    List<Runnable> ready = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      while (!queue.isEmpty()) {
        Waiting w = queue.peek();
        long wait = Math.max(iops == null ? 0 : iops.delay(1, now),
            bandwidth == null || w.bytes == 0 ? 0 : bandwidth.delay(w.bytes, now));
        if (wait > 0) {
          if (wakeup == null) {
            wakeup = scheduler.schedule(this::wake, wait, TimeUnit.NANOSECONDS);
          }
          break;
        }
        if (iops != null) {
          iops.take(1);
        }
        if (bandwidth != null) {
          bandwidth.take(w.bytes);
        }
        ready.add(queue.poll().admit);
      }
    }
    ready.forEach(Runnable::run);
  }
}
