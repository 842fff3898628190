package io.bmagent.card.soft.storage;

import io.netty.buffer.ByteBuf;

/**
 * One host I/O in device blocks. For reads the data lands at {@code buffer}'s writer index, for
 * writes it is taken from its reader index; the submitter keeps the buffer alive until completion.
 * This is the whole contract a front end needs, virtio-blk's request types map one to one.
 */
public record BlockRequest(Op op, long lba, int blocks, ByteBuf buffer) {
  public enum Op {
    READ,
    WRITE,
    FLUSH,
    DISCARD,
    WRITE_ZEROES
  }

  public static BlockRequest read(long lba, int blocks, ByteBuf dst) {
    return new BlockRequest(Op.READ, lba, blocks, dst);
  }

  public static BlockRequest write(long lba, int blocks, ByteBuf src) {
    return new BlockRequest(Op.WRITE, lba, blocks, src);
  }

  public static BlockRequest flush() {
    return new BlockRequest(Op.FLUSH, 0, 0, null);
  }

  public static BlockRequest discard(long lba, int blocks) {
    return new BlockRequest(Op.DISCARD, lba, blocks, null);
  }

  public static BlockRequest writeZeroes(long lba, int blocks) {
    return new BlockRequest(Op.WRITE_ZEROES, lba, blocks, null);
  }

  /** Bytes moved between host and device, what the bandwidth limit charges. */
  public long bytes(int blockSize) {
    return op == Op.READ || op == Op.WRITE ? (long) blocks * blockSize : 0;
  }
}
