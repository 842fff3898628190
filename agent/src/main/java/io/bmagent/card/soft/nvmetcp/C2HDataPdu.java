package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * C2HData (NVMe/TCP 3.6.2.8). {@code success} may only accompany {@code last} and replaces the
 * CapsuleResp of a successful command.
 */
public final class C2HDataPdu extends DefaultByteBufHolder implements NvmeTcpPdu {
  /** Set by the decoder when the data digest did not match; the data must not be used. */
  private boolean dataDigestError;

  private final int cccid;
  private final long datao;
  private final boolean last;
  private final boolean success;

  public C2HDataPdu(int cccid, long datao, boolean last, boolean success, ByteBuf data) {
    super(data);
    this.cccid = cccid;
    this.datao = datao;
    this.last = last;
    this.success = success;
  }

  public int cccid() {
    return cccid;
  }

  public long datao() {
    return datao;
  }

  public boolean last() {
    return last;
  }

  public boolean success() {
    return success;
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
    return PduType.C2H_DATA;
  }

  @Override
  public C2HDataPdu replace(ByteBuf content) {
    return new C2HDataPdu(cccid, datao, last, success, content);
  }

  @Override
  public String toString() {
    return "C2HData(cccid=" + cccid + ", datao=" + datao + ", datal=" + content().readableBytes()
        + (last ? ", last" : "") + (success ? ", success" : "") + ")";
  }
}
