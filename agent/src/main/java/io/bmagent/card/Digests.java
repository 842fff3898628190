package io.bmagent.card;

/**
 * NVMe/TCP digests (NVMe/TCP 1.0, ICReq/ICResp DGST): a CRC32C over every PDU header, over every
 * PDU's data, or both. A path asks for them; a device reports those the target agreed to.
 */
public record Digests(boolean header, boolean data) {
  public static final Digests NONE = new Digests(false, false);

  public boolean any() {
    return header || data;
  }

  @Override
  public String toString() {
    return header && data ? "header+data" : header ? "header" : data ? "data" : "none";
  }
}
