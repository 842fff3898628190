package io.bmagent.card.soft.nvmetcp;

/**
 * ICReq (NVMe/TCP 3.6.2.2). {@code hpda} is the 0's based dword alignment the host wants for
 * C2H data; {@code maxr2t} is the 0's based number of R2Ts the host accepts per command.
 */
public record IcReqPdu(int pfv, int hpda, boolean headerDigest, boolean dataDigest, long maxr2t)
    implements NvmeTcpPdu {
  @Override
  public int type() {
    return PduType.IC_REQ;
  }
}
