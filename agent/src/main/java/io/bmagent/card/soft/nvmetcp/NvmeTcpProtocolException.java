package io.bmagent.card.soft.nvmetcp;

/** A fatal transport error: the connection is terminated with a TermReq carrying {@code fes}/{@code fei}. */
public final class NvmeTcpProtocolException extends RuntimeException {
  private final int fes;
  private final long fei;

  public NvmeTcpProtocolException(int fes, long fei, String message) {
    super(message);
    this.fes = fes;
    this.fei = fei;
  }

  public int fes() {
    return fes;
  }

  public long fei() {
    return fei;
  }
}
