package io.bmagent.card;

/** A card operation that failed, with a reason the reconciler can act on. */
public class CardException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why a card operation failed. */
  public enum Reason {
    /** The card or its driver cannot be reached; retry. */
    UNAVAILABLE(true),
    /** The card refuses in its current state (for example attach while the host is on); retry after a change. */
    BUSY(true),
    /** A table or slot is full; retrying will not help until something is removed. */
    NO_SPACE(false),
    NOT_FOUND(false),
    ALREADY_EXISTS(false),
    /** The card cannot do what was asked, ever. */
    INVALID(false),
    /** An I/O or device error; retry. */
    IO(true),
    TIMEOUT(true);

    private final boolean retryable;

    Reason(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Reason reason;

  public CardException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public CardException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public boolean retryable() {
    return reason.retryable();
  }
}
