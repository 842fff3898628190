package io.bmagent.card.soft.nvmetcp;

/**
 * ICResp (NVMe/TCP 3.6.2.3). {@code cpda} is the 0's based dword alignment the controller wants
 * for H2C data; {@code maxH2cData} bounds the data in one H2CData PDU and is at least 4096.
 */
public record IcRespPdu(int pfv, int cpda, boolean headerDigest, boolean dataDigest, long maxH2cData)
    implements NvmeTcpPdu {
  @Override
  public int type() {
    return PduType.IC_RESP;
  }
}
