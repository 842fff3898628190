package io.bmagent.card.soft.nvmetcp;

import java.util.concurrent.atomic.LongAdder;

/** Monotonic counters of one initiator controller. */
public final class ControllerCounters {
  final LongAdder submitted = new LongAdder();
  final LongAdder completed = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder reissued = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder bytesRead = new LongAdder();
  final LongAdder bytesWritten = new LongAdder();

  public long submitted() {
    return submitted.sum();
  }

  public long completed() {
    return completed.sum();
  }

  public long failed() {
    return failed.sum();
  }

  /** Commands sent again on a new association after their connection dropped. */
  public long reissued() {
    return reissued.sum();
  }

  public long timeouts() {
    return timeouts.sum();
  }

  /** Associations established after the first. */
  public long reconnects() {
    return reconnects.sum();
  }

  public long bytesRead() {
    return bytesRead.sum();
  }

  public long bytesWritten() {
    return bytesWritten.sum();
  }

  @Override
  public String toString() {
    return "submitted=" + submitted() + " completed=" + completed() + " failed=" + failed() + " reissued="
        + reissued() + " timeouts=" + timeouts() + " reconnects=" + reconnects() + " read=" + bytesRead()
        + " written=" + bytesWritten();
  }
}
