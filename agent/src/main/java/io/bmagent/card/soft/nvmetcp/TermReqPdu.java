package io.bmagent.card.soft.nvmetcp;

import java.util.Arrays;

/**
 * H2CTermReq / C2HTermReq (NVMe/TCP 3.6.2.4, 3.6.2.5): fatal error status, error information and
 * a copy of the offending PDU header. No reply is ever sent to a TermReq; the connection closes.
 */
public record TermReqPdu(boolean fromHost, int fes, long fei, byte[] errorHeader) implements NvmeTcpPdu {
  public static final int FES_INVALID_HEADER_FIELD = 0x01;
  public static final int FES_PDU_SEQUENCE_ERROR = 0x02;
  public static final int FES_HEADER_DIGEST_ERROR = 0x03;
  public static final int FES_DATA_OUT_OF_RANGE = 0x04;
  public static final int FES_DATA_LIMIT_EXCEEDED = 0x05;
  public static final int FES_UNSUPPORTED_PARAMETER = 0x06;
  /** The error data field holds at most the first 128 bytes of the bad header (3.6.2.4). */
  public static final int MAX_ERROR_HEADER = 128;

  public TermReqPdu {
    errorHeader = errorHeader == null ? new byte[0]
        : Arrays.copyOf(errorHeader, Math.min(errorHeader.length, MAX_ERROR_HEADER));
  }

  @Override
  public int type() {
    return fromHost ? PduType.H2C_TERM_REQ : PduType.C2H_TERM_REQ;
  }

  @Override
  public String toString() {
    return String.format("%s(fes=0x%02x, fei=0x%x, %d header bytes)",
        PduType.name(type()), fes, fei, errorHeader.length);
  }
}
