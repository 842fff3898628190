package io.bmagent.card.soft.vhost;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A split virtqueue (virtio 1.1, 2.6) read and written in place in guest memory. One thread takes requests
 * ({@link #poll}); completions come from any thread and are published in batches: whoever finds the queue idle
 * publishes everything completed so far with one used-index store and at most one interrupt. With inflight
 * tracking, every head taken and returned is recorded as vhost-user.rst's "Inflight I/O tracking" orders it, so
 * that a back-end restarted at any point resubmits exactly the requests the driver still waits for.
 */
public final class Virtqueue {

  static final int DESC_SIZE = 16;
  static final int F_NEXT = 1;
  static final int F_WRITE = 2;
  static final int F_INDIRECT = 4;
  /** VIRTQ_AVAIL_F_NO_INTERRUPT (2.6.7): the driver asks not to be interrupted. */
  static final int AVAIL_F_NO_INTERRUPT = 1;
  /** Index 2 of a direct buffer of shorts: the rings' idx fields, read with acquire and written with release. */
  private static final Logger LOG = Logger.getLogger(Virtqueue.class.getName());
  private static final VarHandle SHORTS = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

  /** Where the device signals the driver: the call eventfd, or nothing. */
  interface Interrupt {
    void raise();
  }

  private final int size;
  private final ByteBuffer desc;
  private final ByteBuffer avail;
  private final ByteBuffer used;
  private final GuestMemory memory;
  private final boolean indirect;
  private final Interrupt interrupt;
  private final ConcurrentLinkedQueue<Long> completed = new ConcurrentLinkedQueue<>();
  private final AtomicInteger publishers = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final InflightQueue inflight;
  /** Resubmitted heads, oldest first, handed out before the available ring is read again. */
  private final ArrayDeque<Integer> resubmit = new ArrayDeque<>();
  private int[] batch;
  private boolean detached;
  private int lastAvail;
  private int usedIdx;

  /**
   * @param rings the descriptor table, available and used rings, sized for {@code size} entries
   * @param nextAvail where the driver's available ring is consumed from (SET_VRING_BASE)
   * @param inflight the queue's inflight record, or null without tracking; it overrides {@code nextAvail}
   */
  Virtqueue(int size, ByteBuffer[] rings, GuestMemory memory, int nextAvail, boolean indirect, Interrupt interrupt,
      InflightQueue inflight) {
    this.size = size;
    this.desc = rings[0];
    this.avail = rings[1];
    this.used = rings[2];
    this.memory = memory;
    this.indirect = indirect;
    this.interrupt = interrupt;
    this.lastAvail = nextAvail;
    this.usedIdx = Short.toUnsignedInt((short) SHORTS.getAcquire(used, 2));
    this.inflight = inflight;
    if (inflight != null) {
      resubmit.addAll(inflight.recover(usedIdx));
      if (!resubmit.isEmpty()) {
        LOG.info(() -> "resubmitting " + resubmit.size() + " requests left in flight by a previous back-end");
      }
      // Heads are taken from the available ring in order, and each one taken is either used or still in
      // flight: after a crash, whatever the front-end says (it may only know the used index), the ring resumes
      // past both.
      this.lastAvail = (usedIdx + resubmit.size()) & 0xffff;
      this.batch = new int[size];
    }
  }

  static int descBytes(int size) {
    return DESC_SIZE * size;
  }

  /** flags, idx, ring[size], used_event (2.6.6). */
  static int availBytes(int size) {
    return 6 + 2 * size;
  }

  /** flags, idx, ring[size] of {id, len}, avail_event (2.6.8). */
  static int usedBytes(int size) {
    return 6 + 8 * size;
  }

  /** The next available index: what GET_VRING_BASE reports once the ring is stopped. */
  int nextAvail() {
    return lastAvail;
  }

  int inFlight() {
    return inFlight.get();
  }

  /**
   * Hands every newly available chain to {@code sink}, then publishes what completed meanwhile. Only the ring's
   * worker thread calls this.
   */
  void poll(java.util.function.Consumer<DescriptorChain> sink) {
    // Holding a claim while taking requests batches the completions that arrive meanwhile into one interrupt.
    boolean publisher = publishers.getAndIncrement() == 0;
    try {
      for (Integer head; (head = resubmit.poll()) != null; ) {
        DescriptorChain chain = chain(head);
        inFlight.incrementAndGet();
        memory.retain();
        sink.accept(chain);
      }
      int availIdx = Short.toUnsignedInt((short) SHORTS.getAcquire(avail, 2));
      if (((availIdx - lastAvail) & 0xffff) > size) {
        throw new VirtqueueException("available index " + availIdx + " is more than " + size + " ahead of "
            + lastAvail);
      }
      while (lastAvail != availIdx) {
        int head = Short.toUnsignedInt(avail.getShort(4 + 2 * (lastAvail % size)));
        lastAvail = (lastAvail + 1) & 0xffff;
        DescriptorChain chain = chain(head);
        if (inflight != null) {
          taken(head);
        }
        inFlight.incrementAndGet();
        memory.retain();
        sink.accept(chain);
      }
    } finally {
      // A thread that found another publisher leaves its claim for that one to consume.
      if (publisher) {
        publish();
      }
    }
  }

  /**
   * Takes the next available chain, or null when the driver has posted none: how a device fills a receive queue
   * (virtio 1.1, 5.1.6.4) when it has a frame. Only one thread takes from a queue.
   */
  public DescriptorChain take() {
    int availIdx = Short.toUnsignedInt((short) SHORTS.getAcquire(avail, 2));
    if (availIdx == lastAvail) {
      return null;
    }
    int head = Short.toUnsignedInt(avail.getShort(4 + 2 * (lastAvail % size)));
    lastAvail = (lastAvail + 1) & 0xffff;
    DescriptorChain chain = chain(head);
    inFlight.incrementAndGet();
    memory.retain();
    return chain;
  }

  /** Under the record's lock: a head reused by the driver must not be marked before its last use is cleared. */
  private void taken(int head) {
    synchronized (inflight) {
      inflight.taken(head);
    }
  }

  /**
   * The ring stopped for good: completions from now on are dropped, neither written to the used ring nor
   * recorded, since the record still holds them as in flight and the next connection resubmits them.
   */
  void detach() {
    synchronized (inflight) {
      detached = true;
    }
  }

  boolean tracksInflight() {
    return inflight != null;
  }

  private DescriptorChain chain(int head) {
    List<ByteBuffer> readable = new ArrayList<>(2);
    List<ByteBuffer> writable = new ArrayList<>(2);
    ByteBuffer table = desc;
    int tableSize = size;
    int i = checkIndex(head, tableSize);
    for (int walked = 0; ; walked++) {
      if (walked >= tableSize) {
        throw new VirtqueueException("descriptor chain from " + head + " loops");
      }
      int off = i * DESC_SIZE;
      long addr = table.getLong(off);
      long len = Integer.toUnsignedLong(table.getInt(off + 8));
      int flags = Short.toUnsignedInt(table.getShort(off + 12));
      if ((flags & F_INDIRECT) != 0) {
        // 2.6.5.3.1: only with VIRTIO_F_INDIRECT_DESC, never nested, never with NEXT; the table replaces the chain.
        if (!indirect || table != desc || (flags & F_NEXT) != 0 || len % DESC_SIZE != 0 || len == 0) {
          throw new VirtqueueException("invalid indirect descriptor " + i);
        }
        tableSize = (int) (len / DESC_SIZE);
        table = memory.guest(addr, (int) len);
        i = 0;
        walked = -1;
        continue;
      }
      if ((flags & F_WRITE) != 0) {
        memory.segments(addr, len, writable);
      } else if (!writable.isEmpty()) {
        throw new VirtqueueException("device-readable descriptor after a writable one in chain " + head);
      } else {
        memory.segments(addr, len, readable);
      }
      if ((flags & F_NEXT) == 0) {
        return new DescriptorChain(this, head, readable, writable);
      }
      i = checkIndex(Short.toUnsignedInt(table.getShort(off + 14)), tableSize);
    }
  }

  private static int checkIndex(int i, int tableSize) {
    if (i >= tableSize) {
      throw new VirtqueueException("descriptor index " + i + " outside a table of " + tableSize);
    }
    return i;
  }

  void complete(int head, int written) {
    completed.add(((long) head << 32) | Integer.toUnsignedLong(written));
    if (publishers.getAndIncrement() == 0) {
      publish();
    }
  }

  /**
   * Publishes every completion queued, for as long as other threads queue more meanwhile. Only the thread that
   * raised {@link #publishers} from zero runs this; the others' increments make it loop once more.
   */
  private void publish() {
    int missed = 1;
    while (true) {
      int count = inflight == null ? publishBatch() : publishTracked();
      if (count > 0) {
        inFlight.addAndGet(-count);
        for (int k = 0; k < count; k++) {
          memory.release();
        }
      }
      missed = publishers.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  /** Writes the queued completions to the used ring and moves its index; returns how many. */
  private int publishBatch() {
    int count = 0;
    for (Long c; (c = completed.poll()) != null; count++) {
      int head = (int) (c >>> 32);
      if (inflight != null) {
        if (count == batch.length) {
          batch = Arrays.copyOf(batch, 2 * count);
        }
        batch[count] = head;
        inflight.link(head);
      }
      int slot = 8 * (usedIdx % size);
      used.putInt(4 + slot, head);
      used.putInt(8 + slot, (int) (long) c);
      usedIdx = (usedIdx + 1) & 0xffff;
    }
    if (count > 0) {
      SHORTS.setRelease(used, 2, (short) usedIdx);
      if (inflight != null) {
        inflight.published(batch, count, usedIdx);
      }
      // 2.6.7.2: read the driver's flags only after the used index is visible.
      VarHandle.fullFence();
      if ((avail.getShort(0) & AVAIL_F_NO_INTERRUPT) == 0) {
        interrupt.raise();
      }
    }
    return count;
  }

  /** {@link #publishBatch} under the record's lock, or dropping the completions once the ring is detached. */
  private int publishTracked() {
    synchronized (inflight) {
      if (!detached) {
        return publishBatch();
      }
      int count = 0;
      while (completed.poll() != null) {
        count++;
      }
      return count;
    }
  }
}
