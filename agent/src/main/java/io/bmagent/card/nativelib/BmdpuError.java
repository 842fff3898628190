package io.bmagent.card.nativelib;

/**
 * The errnos the ABI returns, with Linux's numbers (the card and the agent both run Linux) and the
 * reasons that lead exception messages.
 */
public enum BmdpuError {
  NOT_FOUND(2, "ENOENT", "not found"),
  IO(5, "EIO", "card I/O error"),
  TRY_AGAIN(11, "EAGAIN", "try again"),
  NO_MEMORY(12, "ENOMEM", "card out of memory"),
  BUSY(16, "EBUSY", "busy"),
  EXISTS(17, "EEXIST", "already exists"),
  INVALID(22, "EINVAL", "invalid argument"),
  NO_SPACE(28, "ENOSPC", "no space"),
  RANGE(34, "ERANGE", "buffer too small"),
  DEADLOCK(35, "EDEADLK", "would deadlock"),
  NOT_SUPPORTED(95, "EOPNOTSUPP", "not supported"),
  NOT_CONNECTED(107, "ENOTCONN", "not connected"),
  TIMED_OUT(110, "ETIMEDOUT", "timed out"),
  CONNECTION_REFUSED(111, "ECONNREFUSED", "connection refused"),
  ALREADY(114, "EALREADY", "already in that state"),
  OTHER(0, "E?", "card error");

  private final int errno;
  private final String symbol;
  private final String reason;

  BmdpuError(int errno, String symbol, String reason) {
    this.errno = errno;
    this.symbol = symbol;
    this.reason = reason;
  }

  /** The positive errno; 0 for {@link #OTHER}. */
  public int errno() {
    return errno;
  }

  public String symbol() {
    return symbol;
  }

  public String reason() {
    return reason;
  }

  /** The error for a positive errno, {@link #OTHER} for one the ABI does not name. */
  public static BmdpuError of(int errno) {
    for (BmdpuError e : values()) {
      if (e.errno == errno && e != OTHER) {
        return e;
      }
    }
    return OTHER;
  }
}
