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
  final LongAdder transportErrors = new LongAdder();
  final LongAdder shutdownsComplete = new LongAdder();
  final LongAdder shutdownTimeouts = new LongAdder();
  final LongAdder shutdownErrors = new LongAdder();

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

  /** Sends that failed for a transport error (data digest, missing data) on a connection that stayed up. */
  public long transportErrors() {
    return transportErrors.sum();
  }

  /** Closes whose shutdown the controller reported complete in CSTS.SHST. */
  public long shutdownsComplete() {
    return shutdownsComplete.sum();
  }

  /** Shutdowns abandoned because CSTS.SHST did not report complete within the bound. */
  public long shutdownTimeouts() {
    return shutdownTimeouts.sum();
  }

  /** Shutdowns abandoned because Property Set/Get failed or the admin connection was lost. */
  public long shutdownErrors() {
    return shutdownErrors.sum();
  }

  @Override
  public String toString() {
    return "submitted=" + submitted() + " completed=" + completed() + " failed=" + failed() + " reissued="
        + reissued() + " timeouts=" + timeouts() + " reconnects=" + reconnects() + " read=" + bytesRead()
        + " written=" + bytesWritten() + " transportErrors=" + transportErrors() + " shutdowns=" + shutdownsComplete()
        + "/" + shutdownTimeouts() + "/" + shutdownErrors();
  }
}
