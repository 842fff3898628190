package io.bmagent.card.soft.nvmetcp;

/**
 * An NVMe command failed: either the controller completed it with an error status, or the path
 * to the subsystem is unusable (then {@link #pathFailure()} is true and no status is set).
 */
public final class NvmeException extends RuntimeException {
  private final int sct;
  private final int sc;
  private final boolean dnr;
  private final boolean pathFailure;

  private NvmeException(String message, int sct, int sc, boolean dnr, boolean pathFailure, Throwable cause) {
    super(message, cause);
    this.sct = sct;
    this.sc = sc;
    this.dnr = dnr;
    this.pathFailure = pathFailure;
  }

  public static NvmeException status(String what, Cqe cqe) {
    return new NvmeException(String.format("%s failed: status type 0x%x code 0x%02x%s", what, cqe.sct(),
        cqe.sc(), cqe.dnr() ? " (do not retry)" : ""), cqe.sct(), cqe.sc(), cqe.dnr(), false, null);
  }

  public static NvmeException path(String message, Throwable cause) {
    return new NvmeException(message, -1, -1, false, true, cause);
  }

  public int statusCodeType() {
    return sct;
  }

  public int statusCode() {
    return sc;
  }

  public boolean doNotRetry() {
    return dnr;
  }

  public boolean pathFailure() {
    return pathFailure;
  }
}
