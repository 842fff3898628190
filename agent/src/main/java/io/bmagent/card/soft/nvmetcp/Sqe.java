package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A 64-byte submission queue entry, little-endian as on the wire (NVMe Base 4.2). Fabrics commands
 * reuse the same bytes with FCTYPE at byte 4 (NVMe-oF 1.1, 3.3).
 */
public final class Sqe {
  public static final int SIZE = 64;
  /** PSDT = 01b: the data pointer is an SGL, mandatory over fabrics (NVMe-oF 1.1, 2.3.1). */
  public static final int FLAG_PSDT_SGL = 0x40;
  /** SGL Data Block, subtype Offset: data sits in the capsule (NVMe Base 4.4, NVMe/TCP 3.3.5). */
  public static final int SGL_INCAPSULE = 0x01;
  /** SGL Transport Data Block, subtype Ah: data moves with R2T/H2CData or C2HData (NVMe/TCP 3.3.5). */
  public static final int SGL_TRANSPORT = 0x5A;

  private final ByteBuffer b;

  public Sqe() {
    this(ByteBuffer.allocate(SIZE));
  }

  private Sqe(ByteBuffer b) {
    this.b = b.order(ByteOrder.LITTLE_ENDIAN);
  }

  public static Sqe read(ByteBuf in, int index) {
    byte[] bytes = new byte[SIZE];
    in.getBytes(index, bytes);
    return new Sqe(ByteBuffer.wrap(bytes));
  }

  public void write(ByteBuf out) {
    out.writeBytes(b.array());
  }

  public Sqe copy() {
    return new Sqe(ByteBuffer.wrap(b.array().clone()));
  }

  public int opcode() {
    return u8(0);
  }

  public int flags() {
    return u8(1);
  }

  public int cid() {
    return u16(2);
  }

  public Sqe cid(int cid) {
    return u16(2, cid);
  }

  public long nsid() {
    return u32(4);
  }

  /** Fabrics command type, only meaningful when opcode is 7Fh. */
  public int fctype() {
    return u8(4);
  }

  public long cdw(int n) {
    return u32(n * 4);
  }

  public Sqe cdw(int n, long v) {
    return u32(n * 4, v);
  }

  public long sglAddress() {
    return b.getLong(24);
  }

  public long sglLength() {
    return u32(32);
  }

  public int sglType() {
    return u8(39);
  }

  public Sqe sgl(int type, long address, long length) {
    b.putLong(24, address);
    u32(32, length);
    return u8(39, type);
  }

  public int u8(int off) {
    return b.get(off) & 0xff;
  }

  public Sqe u8(int off, int v) {
    b.put(off, (byte) v);
    return this;
  }

  public int u16(int off) {
    return b.getShort(off) & 0xffff;
  }

  public Sqe u16(int off, int v) {
    b.putShort(off, (short) v);
    return this;
  }

  public long u32(int off) {
    return b.getInt(off) & 0xffffffffL;
  }

  public Sqe u32(int off, long v) {
    b.putInt(off, (int) v);
    return this;
  }

  public long u64(int off) {
    return b.getLong(off);
  }

  public Sqe u64(int off, long v) {
    b.putLong(off, v);
    return this;
  }

  @Override
  public String toString() {
    return String.format("Sqe(opc=0x%02x, cid=%d, nsid=%d)", opcode(), cid(), nsid());
  }
}
