package io.bmagent.card.soft.vhost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver's side of one split virtqueue (virtio 1.1, 2.6), laid out in a direct buffer that stands for guest
 * memory the way a mapped memfd region does: descriptor table, available and used rings, then request buffers.
 */
final class Driver {

  static final long GUEST_BASE = 0x100000;
  static final long USER_BASE = 0x7f0000000000L;
  static final int SIZE = 16;
  private static final int AVAIL = 0x1000;
  static final int USED = 0x2000;
  private static final int DATA = 0x10000;
  final ByteBuffer mem = ByteBuffer.allocateDirect(4 << 20).order(ByteOrder.LITTLE_ENDIAN);
  final GuestMemory memory = new GuestMemory(
      List.of(new GuestMemory.Region(GUEST_BASE, mem.capacity(), USER_BASE, off -> mem)), List.of());
  final AtomicInteger interrupts = new AtomicInteger();
  final Virtqueue queue = device(null);
  private int nextData = DATA;
  private int availIdx;

  /** A device on this driver's ring, as a back-end builds one when the ring starts; {@code inflight} may be null. */
  Virtqueue device(InflightQueue inflight) {
    return new Virtqueue(SIZE, new ByteBuffer[] {memory.user(USER_BASE, Virtqueue.descBytes(SIZE)),
        memory.user(USER_BASE + AVAIL, Virtqueue.availBytes(SIZE)), memory.user(USER_BASE + USED,
        Virtqueue.usedBytes(SIZE))}, memory, 0, true, interrupts::incrementAndGet, inflight);
  }

  /** A guest buffer of {@code len} bytes; returns its guest physical address. */
  long alloc(int len) {
    long gpa = GUEST_BASE + nextData;
    nextData += (len + 4095) & ~4095;
    return gpa;
  }

  ByteBuffer at(long gpa, int len) {
    return mem.slice((int) (gpa - GUEST_BASE), len).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Writes descriptor {@code i} of the table at {@code table} (the ring's own or an indirect one). */
  void desc(long table, int i, long gpa, int len, int flags, int next) {
    at(table + 16L * i, 16).putLong(gpa).putInt(len).putShort((short) flags).putShort((short) next);
  }

  long ringTable() {
    return GUEST_BASE;
  }

  /** Makes the chain at {@code head} available, as the driver does before a kick. */
  void offer(int head) {
    mem.putShort(AVAIL + 4 + 2 * (availIdx % SIZE), (short) head);
    availIdx++;
    mem.putShort(AVAIL + 2, (short) availIdx);
  }

  int usedIdx() {
    return Short.toUnsignedInt(mem.getShort(USED + 2));
  }

  /** {id, len} of used element {@code k}. */
  int[] used(int k) {
    return new int[] {mem.getInt(USED + 4 + 8 * (k % SIZE)), mem.getInt(USED + 8 + 8 * (k % SIZE))};
  }

  void awaitUsed(int idx) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (usedIdx() < idx) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("used index " + usedIdx() + " did not reach " + idx);
      }
      Thread.sleep(1);
    }
  }
}
