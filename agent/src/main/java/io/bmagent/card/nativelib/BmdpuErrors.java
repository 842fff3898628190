package io.bmagent.card.nativelib;

/**
 * The one place where the ABI's "0 or -errno" results become exceptions. Every {@link
 * BmdpuLibrary} call goes through {@link #check} or {@link #checkBatch}.
 */
public final class BmdpuErrors {

  private BmdpuErrors() {
  }

  /**
   * Returns {@code rc} when it is not negative, else throws.
   *
   * @param op the C function without its {@code bmdpu_} prefix, e.g. {@code "blockdev_attach"}
   * @throws BmdpuException for a negative {@code rc}, e.g. "busy: blockdev_attach (EBUSY)"
   */
  public static int check(int rc, String op) {
    if (rc >= 0) {
      return rc;
    }
    throw new BmdpuException(op, -rc, describe(-rc) + ": " + op + symbol(-rc));
  }

  /**
   * Like {@link #check} for batch calls, whose count out-parameter tells how far they got.
   *
   * @throws BmdpuBatchException e.g. "no space: rules_apply stopped after 497 of 997 (ENOSPC)"
   */
  public static void checkBatch(int rc, String op, int completed, int requested) {
    if (rc >= 0) {
      return;
    }
    String message = describe(-rc) + ": " + op + " stopped after " + completed + " of " + requested
        + symbol(-rc);
    throw new BmdpuBatchException(op, -rc, message, completed, requested);
  }

  private static String describe(int errno) {
    return BmdpuError.of(errno).reason();
  }

  private static String symbol(int errno) {
    BmdpuError e = BmdpuError.of(errno);
    return e == BmdpuError.OTHER ? " (errno " + errno + ")" : " (" + e.symbol() + ")";
  }
}
