package io.bmagent.card.nativelib;

/**
 * A card call failed. Carries the operation (the C function without its {@code bmdpu_} prefix)
 * and the errno; created only by {@link BmdpuErrors}.
 */
public class BmdpuException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String op;
  private final int errno;

  BmdpuException(String op, int errno, String message) {
    super(message);
    this.op = op;
    this.errno = errno;
  }

  public String op() {
    return op;
  }

  /** The positive errno the call returned negated. */
  public int errno() {
    return errno;
  }

  public BmdpuError error() {
    return BmdpuError.of(errno);
  }
}
