package io.bmagent.card.soft;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Recorder;

/**
 * One outstanding 4 KiB I/O at a random block, re-issued from its own completion (on the initiator's loop, so with
 * no thread hand-off): qd of these make a closed loop of depth qd. Each latency goes to the recorder.
 */
final class ClosedLoopIo {

  /** Where the I/O goes: the raw controller, or the host device in front of it. */
  interface BlockIo {
    CompletableFuture<Void> submit(boolean write, long lba, ByteBuf buf);
  }

  static final int BLOCK = 4096;

  private final BlockIo io;
  private final boolean write;
  private final long blocks;
  private final SplittableRandom random;
  private final Recorder recorder;
  private final AtomicLong done;
  private final AtomicReference<Throwable> failure;
  private final CountDownLatch stopped;
  private final ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(BLOCK);
  volatile boolean stop;

  /** Counts down {@code stopped} once stopped or failed, the first failure kept in {@code failure}. */
  ClosedLoopIo(BlockIo io, boolean write, long blocks, SplittableRandom random, Recorder recorder, AtomicLong done,
      AtomicReference<Throwable> failure, CountDownLatch stopped) {
    this.io = io;
    this.write = write;
    this.blocks = blocks;
    this.random = random;
    this.recorder = recorder;
    this.done = done;
    this.failure = failure;
    this.stopped = stopped;
    if (write) {
      byte[] data = new byte[BLOCK];
      random.nextBytes(data);
      buf.writeBytes(data);
    }
  }

  void next() {
    if (stop || failure.get() != null) {
      buf.release();
      stopped.countDown();
      return;
    }
    if (!write) {
      buf.clear();
    }
    long start = System.nanoTime();
    io.submit(write, random.nextLong(blocks), buf).whenComplete((v, e) -> {
      if (e != null) {
        failure.compareAndSet(null, e);
      } else {
        recorder.recordValue(System.nanoTime() - start);
        done.incrementAndGet();
      }
      next();
    });
  }
}
