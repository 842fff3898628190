package io.bmagent.card.soft.vhost;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One split queue's part of the inflight tracking memory (vhost-user.rst, "Inflight I/O tracking"): the heads
 * taken from the available ring and not yet returned, with the order they were taken in. The front-end keeps
 * the memory, so a back-end that crashed at any point finds there what to resubmit when it reconnects.
 * Layout: features u64, version u16, desc_num u16, last_batch_head u16, used_idx u16, then per descriptor
 * {inflight u8, padding[5], next u16, counter u64}.
 */
final class InflightQueue {

  static final int HEADER = 16;
  static final int DESC = 16;
  private static final int VERSION_AT = 8;
  private static final int DESC_NUM_AT = 10;
  private static final int LAST_BATCH_HEAD_AT = 12;
  private static final int USED_IDX_AT = 14;
  private static final short VERSION = 1;
  private final ByteBuffer region;
  private final int size;
  private long counter;

  /** @param region this queue's bytes, {@link #bytes}({@code size}) of them, little-endian */
  InflightQueue(ByteBuffer region, int size) {
    this.region = region;
    this.size = size;
  }

  /** A queue's share of the memory, 64-byte aligned as the queues are laid out one after the other. */
  static long bytes(int size) {
    return (HEADER + (long) DESC * size + 63) & ~63L;
  }

  /**
   * Brings the record in line with the ring after a restart ("When reconnecting") and returns the heads to
   * resubmit, oldest first. A fresh region (version 0) is initialised and has nothing to resubmit.
   */
  List<Integer> recover(int ringUsedIdx) {
    if (region.getShort(VERSION_AT) == 0) {
      region.putShort(DESC_NUM_AT, (short) size);
      region.putShort(USED_IDX_AT, (short) ringUsedIdx);
      region.putShort(VERSION_AT, VERSION);
      counter = 0;
      return List.of();
    }
    int descNum = Short.toUnsignedInt(region.getShort(DESC_NUM_AT));
    if (descNum != size) {
      throw new VirtqueueException("inflight region tracks " + descNum + " descriptors; the ring has " + size);
    }
    int recorded = Short.toUnsignedInt(region.getShort(USED_IDX_AT));
    if (recorded != ringUsedIdx) {
      // The back-end died after publishing a batch and before clearing it: the batch list names its heads.
      int batch = Math.min((ringUsedIdx - recorded) & 0xffff, size);
      int head = Short.toUnsignedInt(region.getShort(LAST_BATCH_HEAD_AT));
      for (int k = 0; k < batch && head < size; k++) {
        region.put(desc(head), (byte) 0);
        head = Short.toUnsignedInt(region.getShort(desc(head) + 6));
      }
      region.putShort(USED_IDX_AT, (short) ringUsedIdx);
    }
    List<Integer> heads = new ArrayList<>();
    long next = 0;
    for (int i = 0; i < size; i++) {
      if (region.get(desc(i)) == 1) {
        heads.add(i);
        next = Math.max(next, counter(i) + 1);
      }
    }
    heads.sort(Comparator.comparingLong(this::counter));
    counter = next;
    return heads;
  }

  /** A head was taken from the available ring: its order first, then the flag that makes it count. */
  void taken(int head) {
    region.putLong(desc(head) + 8, counter++);
    VarHandle.releaseFence();
    region.put(desc(head), (byte) 1);
  }

  /** A head goes into the used ring in the batch being published; called before the used index moves. */
  void link(int head) {
    region.putShort(desc(head) + 6, region.getShort(LAST_BATCH_HEAD_AT));
    region.putShort(LAST_BATCH_HEAD_AT, (short) head);
  }

  /** The batch's used index is visible to the driver: the heads are no longer in flight. */
  void published(int[] heads, int count, int usedIdx) {
    VarHandle.releaseFence();
    for (int k = 0; k < count; k++) {
      region.put(desc(heads[k]), (byte) 0);
    }
    VarHandle.releaseFence();
    region.putShort(USED_IDX_AT, (short) usedIdx);
  }

  private long counter(int head) {
    return region.getLong(desc(head) + 8);
  }

  private static int desc(int head) {
    return HEADER + DESC * head;
  }
}
