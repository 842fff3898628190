package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/** H2CData (NVMe/TCP 3.6.2.7): host data answering an R2T; {@code datao} is the command offset. */
public final class H2CDataPdu extends DefaultByteBufHolder implements NvmeTcpPdu {
  /** Set by the decoder when the data digest did not match; the data must not be used. */
  private boolean dataDigestError;

  private final int cccid;
  private final int ttag;
  private final long datao;
  private final boolean last;

  public H2CDataPdu(int cccid, int ttag, long datao, boolean last, ByteBuf data) {
    super(data);
    this.cccid = cccid;
    this.ttag = ttag;
    this.datao = datao;
    this.last = last;
  }

  public int cccid() {
    return cccid;
  }

  public int ttag() {
    return ttag;
  }

  public long datao() {
    return datao;
  }

  public boolean last() {
    return last;
  }

  /**
   * A data digest mismatch is not fatal (NVMe/TCP 1.0, 3.3.2, PDU digests; SPDK and Linux
   * likewise): the receiver fails the one command with Transient Transport Error.
   */
  public boolean dataDigestError() {
    return dataDigestError;
  }

  void markDataDigestError() {
    dataDigestError = true;
  }

  @Override
  public int type() {
    return PduType.H2C_DATA;
  }

  @Override
  public H2CDataPdu replace(ByteBuf content) {
    return new H2CDataPdu(cccid, ttag, datao, last, content);
  }

  @Override
  public String toString() {
    return "H2CData(cccid=" + cccid + ", ttag=" + ttag + ", datao=" + datao + ", datal="
        + content().readableBytes() + (last ? ", last" : "") + ")";
  }
}
