package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;

/** CapsuleCmd (NVMe/TCP 3.6.2.5): a 64-byte SQE plus optional in-capsule data. */
public final class CapsuleCommandPdu extends DefaultByteBufHolder implements NvmeTcpPdu {
  /** Set by the decoder when the data digest did not match; the data must not be used. */
  private boolean dataDigestError;

  private final Sqe sqe;

  public CapsuleCommandPdu(Sqe sqe, ByteBuf data) {
    super(data == null ? Unpooled.EMPTY_BUFFER : data);
    this.sqe = sqe;
  }

  public Sqe sqe() {
    return sqe;
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
    return PduType.CAPSULE_CMD;
  }

  @Override
  public CapsuleCommandPdu replace(ByteBuf content) {
    return new CapsuleCommandPdu(sqe, content);
  }

  @Override
  public String toString() {
    return "CapsuleCmd(" + sqe + ", data=" + content().readableBytes() + ")";
  }
}
