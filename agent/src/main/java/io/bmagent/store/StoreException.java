package io.bmagent.store;

/** The store could not read or commit; nothing of the failed transaction was kept. */
public class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean diskFull;

  public StoreException(String message, Throwable cause) {
    this(message, cause, false);
  }

  StoreException(String message, Throwable cause, boolean diskFull) {
    super(message, cause);
    this.diskFull = diskFull;
  }

  /**
   * Whether the commit failed for want of room on the state disk (SQLITE_FULL): the agent is sound, and a retry
   * succeeds once an operator frees space, so callers report it apart from a damaged or unreadable store.
   */
  public boolean diskFull() {
    return diskFull;
  }
}
