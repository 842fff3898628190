package io.bmagent.card.soft;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed loop of {@code qd} {@link ClosedLoopIo}s, warmed up and then measured over windows back to back: the I/Os
 * done, the wall time, this process's CPU time and the CPU time a caller's counter reads (a thread's, say), and the
 * latencies of each window alone.
 */
final class ClosedLoopRun {

  /** One measured window; times in nanoseconds. */
  record Window(long ios, long wallNanos, long processCpuNanos, long counterNanos, Histogram latency) {
    double iops() {
      return ios * 1e9 / wallNanos;
    }
  }

  private ClosedLoopRun() {}

  /**
   * Runs {@code qd} I/Os at random blocks of {@code blocks} for {@code warmup} seconds, then {@code runs} windows of
   * {@code seconds}, and waits for the I/Os in flight; fails, naming {@code name}, if one failed or they did not
   * drain.
   */
  static List<Window> measure(String name, ClosedLoopIo.BlockIo io, boolean write, int qd, long blocks, int warmup,
      int seconds, int runs, LongSupplier counter) throws Exception {
    Recorder recorder = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(qd);
    List<ClosedLoopIo> loops = new ArrayList<>();
    for (int i = 0; i < qd; i++) {
      loops.add(new ClosedLoopIo(io, write, blocks, new SplittableRandom(i + 1), recorder, done, failure, stopped));
    }
    loops.forEach(ClosedLoopIo::next);
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<Window> windows = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      recorder.reset();
      long ios0 = done.get();
      long cpu0 = os.getProcessCpuTime();
      long counter0 = counter.getAsLong();
      long t0 = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      Histogram h = recorder.getIntervalHistogram();
      windows.add(new Window(done.get() - ios0, System.nanoTime() - t0, os.getProcessCpuTime() - cpu0,
          counter.getAsLong() - counter0, h));
    }
    loops.forEach(l -> l.stop = true);
    if (!stopped.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + ": I/O did not drain");
    }
    if (failure.get() != null) {
      throw new IllegalStateException(name + " failed", failure.get());
    }
    return windows;
  }
}
