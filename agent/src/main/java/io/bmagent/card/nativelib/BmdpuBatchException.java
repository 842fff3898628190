package io.bmagent.card.nativelib;

/**
 * A batch call stopped at its first failing element. The card kept the {@link #completed()}
 * elements before it, so a caller can resume from there or undo them.
 */
public final class BmdpuBatchException extends BmdpuException {
  private static final long serialVersionUID = 1L;

  private final int completed;
  private final int requested;

  BmdpuBatchException(String op, int errno, String message, int completed, int requested) {
    super(op, errno, message);
    this.completed = completed;
    this.requested = requested;
  }

  /** How many elements succeeded; the element at this index failed. */
  public int completed() {
    return completed;
  }

  public int requested() {
    return requested;
  }
}
