package io.bmagent.card.soft.nvmetcp;

/** PDU type codes, common-header flags and fixed header lengths (NVMe/TCP 1.0, 3.3). */
public final class PduType {
  public static final int IC_REQ = 0x00;
  public static final int IC_RESP = 0x01;
  public static final int H2C_TERM_REQ = 0x02;
  public static final int C2H_TERM_REQ = 0x03;
  public static final int CAPSULE_CMD = 0x04;
  public static final int CAPSULE_RESP = 0x05;
  public static final int H2C_DATA = 0x06;
  public static final int C2H_DATA = 0x07;
  public static final int R2T = 0x09;

  /** Common header length: type, flags, hlen, pdo, plen (3.3.1). */
  public static final int CH_LEN = 8;
  public static final int DIGEST_LEN = 4;

  public static final int FLAG_HDGSTF = 0x01;
  public static final int FLAG_DDGSTF = 0x02;
  /** LAST_PDU in H2CData/C2HData (3.6.2.7, 3.6.2.8). */
  public static final int FLAG_LAST_PDU = 0x04;
  /** SUCCESS in C2HData: the command completed, no CapsuleResp follows (3.6.2.8). */
  public static final int FLAG_SUCCESS = 0x08;

  private PduType() {
  }

  /** The fixed HLEN for a type, or -1 for an unknown type. */
  public static int headerLength(int type) {
    return switch (type) {
      case IC_REQ, IC_RESP -> 128;
      case H2C_TERM_REQ, C2H_TERM_REQ, CAPSULE_RESP, H2C_DATA, C2H_DATA, R2T -> 24;
      case CAPSULE_CMD -> 72;
      default -> -1;
    };
  }

  /** Header digests cover every PDU except connection setup and termination (3.3.2.1). */
  public static boolean carriesHeaderDigest(int type) {
    return type == CAPSULE_CMD || type == CAPSULE_RESP || type == H2C_DATA || type == C2H_DATA || type == R2T;
  }

  /** PDUs that may carry a PDU data section with a data digest. */
  public static boolean carriesData(int type) {
    return type == CAPSULE_CMD || type == H2C_DATA || type == C2H_DATA;
  }

  /** Whether a PDU of this type travels host to controller. */
  public static boolean fromHost(int type) {
    return type == IC_REQ || type == H2C_TERM_REQ || type == CAPSULE_CMD || type == H2C_DATA;
  }

  public static String name(int type) {
    return switch (type) {
      case IC_REQ -> "ICReq";
      case IC_RESP -> "ICResp";
      case H2C_TERM_REQ -> "H2CTermReq";
      case C2H_TERM_REQ -> "C2HTermReq";
      case CAPSULE_CMD -> "CapsuleCmd";
      case CAPSULE_RESP -> "CapsuleResp";
      case H2C_DATA -> "H2CData";
      case C2H_DATA -> "C2HData";
      case R2T -> "R2T";
      default -> String.format("unknown(0x%02x)", type);
    };
  }
}
