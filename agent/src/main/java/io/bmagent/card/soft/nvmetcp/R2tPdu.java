package io.bmagent.card.soft.nvmetcp;

/** R2T (NVMe/TCP 3.6.2.9): the controller asks for {@code r2tl} bytes at offset {@code r2to}. */
public record R2tPdu(int cccid, int ttag, long r2to, long r2tl) implements NvmeTcpPdu {
  @Override
  public int type() {
    return PduType.R2T;
  }
}
