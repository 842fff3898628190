package io.bmagent.lab.target;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a subsystem has done since it was created, for the SMART / Health Information log page (NVMe Base 2.0,
 * 5.16.1.3). The subsystem stands for the device: its counters outlive the controllers of the dynamic model,
 * and a target start is a power cycle.
 */
final class HealthCounters {
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final LongAdder readCommands = new LongAdder();
  private final LongAdder writeCommands = new LongAdder();
  private final AtomicLong mediaErrors = new AtomicLong();
  private final AtomicLong unsafeShutdowns = new AtomicLong();
  private long powerCycles;
  private long poweredOnSince = -1;
  private long powerOnNanos;
  private int outstanding;
  private long busySince;
  private long busyNanos;

  void read(long bytes) {
    bytesRead.add(bytes);
    readCommands.increment();
  }

  void written(long bytes) {
    bytesWritten.add(bytes);
    writeCommands.increment();
  }

  void mediaError() {
    mediaErrors.incrementAndGet();
  }

  /** A controller ended without a shutdown notification (CC.SHN), the fabrics form of losing power unannounced. */
  void unsafeShutdown() {
    unsafeShutdowns.incrementAndGet();
  }

  synchronized void powerOn() {
    if (poweredOnSince < 0) {
      powerCycles++;
      poweredOnSince = System.nanoTime();
    }
  }

  synchronized void powerOff() {
    if (poweredOnSince >= 0) {
      powerOnNanos += System.nanoTime() - poweredOnSince;
      poweredOnSince = -1;
    }
  }

  /** An I/O command arrived on an I/O queue: the controller is busy while any is outstanding. */
  synchronized void ioStarted() {
    if (outstanding++ == 0) {
      busySince = System.nanoTime();
    }
  }

  synchronized void ioEnded() {
    if (--outstanding == 0) {
      busyNanos += System.nanoTime() - busySince;
    }
  }

  long bytesRead() {
    return bytesRead.sum();
  }

  long bytesWritten() {
    return bytesWritten.sum();
  }

  long readCommands() {
    return readCommands.sum();
  }

  long writeCommands() {
    return writeCommands.sum();
  }

  long mediaErrors() {
    return mediaErrors.get();
  }

  long unsafeShutdowns() {
    return unsafeShutdowns.get();
  }

  synchronized long powerCycles() {
    return powerCycles;
  }

  synchronized long powerOnHours() {
    long nanos = powerOnNanos + (poweredOnSince < 0 ? 0 : System.nanoTime() - poweredOnSince);
    return TimeUnit.NANOSECONDS.toHours(nanos);
  }

  synchronized long busyMinutes() {
    long nanos = busyNanos + (outstanding == 0 ? 0 : System.nanoTime() - busySince);
    return TimeUnit.NANOSECONDS.toMinutes(nanos);
  }
}
