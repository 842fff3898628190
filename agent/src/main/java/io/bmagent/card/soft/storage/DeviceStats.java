package io.bmagent.card.soft.storage;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;

/** Counters and a latency histogram (microseconds, 3 significant digits) of one device. */
public final class DeviceStats {
  final LongAdder reads = new LongAdder();
  final LongAdder writes = new LongAdder();
  final LongAdder flushes = new LongAdder();
  final LongAdder discards = new LongAdder();
  final LongAdder bytesRead = new LongAdder();
  final LongAdder bytesWritten = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder autoThaws = new LongAdder();
  private final ConcurrentHistogram latency = new ConcurrentHistogram(3);
  private final Recorder interval = new Recorder(3);

  void record(BlockRequest r, int blockSize, long nanos, boolean ok) {
    if (!ok) {
      errors.increment();
    }
    switch (r.op()) {
      case READ -> {
        reads.increment();
        if (ok) {
          bytesRead.add(r.bytes(blockSize));
        }
      }
      case WRITE -> {
        writes.increment();
        if (ok) {
          bytesWritten.add(r.bytes(blockSize));
        }
      }
      case FLUSH -> flushes.increment();
      case DISCARD, WRITE_ZEROES -> discards.increment();
    }
    long micros = Math.max(0, nanos / 1000);
    latency.recordValue(micros);
    interval.recordValue(micros);
  }

  public long reads() {
    return reads.sum();
  }

  public long writes() {
    return writes.sum();
  }

  public long flushes() {
    return flushes.sum();
  }

  /** Discards and write-zeroes. */
  public long discards() {
    return discards.sum();
  }

  public long bytesRead() {
    return bytesRead.sum();
  }

  public long bytesWritten() {
    return bytesWritten.sum();
  }

  public long errors() {
    return errors.sum();
  }

  /** Freezes ended by the timeout rather than by thaw. */
  public long autoThaws() {
    return autoThaws.sum();
  }

  /**
   * Latency since the previous call (or creation), in microseconds: what a metrics exporter
   * samples each period. Meant for a single sampler.
   */
  public Histogram intervalLatencyMicros() {
    return interval.getIntervalHistogram();
  }

  /** A copy of the latency distribution since the device was created, in microseconds. */
  public Histogram latencyMicros() {
    return latency.copy();
  }
}
