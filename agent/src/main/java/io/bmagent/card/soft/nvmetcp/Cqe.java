package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;

/**
 * A 16-byte completion queue entry (NVMe Base 4.6). Over fabrics the phase tag is reserved, so
 * {@code status} holds the 15-bit status field shifted left by one, as on the wire.
 */
public record Cqe(long dw0, long dw1, int sqhd, int sqid, int cid, int status) {
  public static final int SIZE = 16;

  public static Cqe success(int cid, long dw0) {
    return new Cqe(dw0, 0, 0, 0, cid, 0);
  }

  /** A completion with status code type {@code sct} and status code {@code sc}; DNR set if asked. */
  public static Cqe error(int cid, int sct, int sc, boolean dnr) {
    return new Cqe(0, 0, 0, 0, cid, ((sct & 7) << 9) | ((sc & 0xff) << 1) | (dnr ? 0x8000 : 0));
  }

  public static Cqe read(ByteBuf in, int index) {
    return new Cqe(in.getUnsignedIntLE(index), in.getUnsignedIntLE(index + 4),
        in.getUnsignedShortLE(index + 8), in.getUnsignedShortLE(index + 10),
        in.getUnsignedShortLE(index + 12), in.getUnsignedShortLE(index + 14));
  }

  public void write(ByteBuf out) {
    out.writeIntLE((int) dw0).writeIntLE((int) dw1).writeShortLE(sqhd).writeShortLE(sqid)
        .writeShortLE(cid).writeShortLE(status);
  }

  public Cqe withSqhd(int sqhd, int sqid) {
    return new Cqe(dw0, dw1, sqhd, sqid, cid, status);
  }

  public int sct() {
    return (status >>> 9) & 7;
  }

  public int sc() {
    return (status >>> 1) & 0xff;
  }

  public boolean dnr() {
    return (status & 0x8000) != 0;
  }

  public boolean ok() {
    return sct() == 0 && sc() == 0;
  }
}
