package io.bmagent.card.soft.net.packet;

/** Big-endian (network order) field access on byte arrays. */
public final class Bytes {

  private Bytes() {}

  public static int u16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  public static int i32(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  public static long u48(byte[] b, int at) {
    return ((long) u16(b, at) << 32) | (i32(b, at + 2) & 0xFFFF_FFFFL);
  }

  public static void put16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  public static void put32(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  public static void put48(byte[] b, int at, long v) {
    put16(b, at, (int) (v >>> 32));
    put32(b, at + 2, (int) v);
  }
}
