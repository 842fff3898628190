package io.bmagent.card.soft.nvmetcp;

/** CapsuleResp (NVMe/TCP 3.6.2.6): a 16-byte completion queue entry. */
public record CapsuleResponsePdu(Cqe cqe) implements NvmeTcpPdu {
  @Override
  public int type() {
    return PduType.CAPSULE_RESP;
  }
}
