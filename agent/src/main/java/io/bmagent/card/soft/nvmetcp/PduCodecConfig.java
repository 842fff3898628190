package io.bmagent.card.soft.nvmetcp;

/**
 * State shared by one connection's encoder and decoder. Digests start off and are switched on
 * by whoever handles the ICReq/ICResp exchange, before the next PDU is read (3.6.2.2-3).
 * Only touched from the channel's event loop.
 */
public final class PduCodecConfig {
  private final boolean host;
  private final int maxDataLength;
  private boolean headerDigest;
  private boolean dataDigest;
  private int txDataAlignment = 4;

  /**
   * @param host          true on the initiator: it sends H2C PDUs and H2CTermReq
   * @param maxDataLength the largest PDU data section accepted; bigger PDUs end the connection
   */
  public PduCodecConfig(boolean host, int maxDataLength) {
    this.host = host;
    this.maxDataLength = maxDataLength;
  }

  public boolean host() {
    return host;
  }

  public int maxDataLength() {
    return maxDataLength;
  }

  public boolean headerDigest() {
    return headerDigest;
  }

  public boolean dataDigest() {
    return dataDigest;
  }

  public void digests(boolean header, boolean data) {
    this.headerDigest = header;
    this.dataDigest = data;
  }

  /** Alignment in bytes of PDO for PDUs we send, from the peer's 0's based HPDA/CPDA dwords. */
  public int txDataAlignment() {
    return txDataAlignment;
  }

  public void txPda(int zeroBasedDwords) {
    this.txDataAlignment = (zeroBasedDwords + 1) * 4;
  }
}
