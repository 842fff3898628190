package io.bmagent.card.soft.storage;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A block device as the host sees it, in front of a {@link BlockBackend}. Requests pass three
 * stages: the freeze gate (while frozen, new requests are held, not failed), the QoS gate, then
 * the backend. {@link #freeze} completes once everything admitted before it has completed and the
 * remote side has flushed, so snapshots taken then see a crash-consistent image; freezing several
 * devices and waiting for all gives one consistent point across them.
 */
public final class HostBlockDevice {
  /** NVMe SN and virtio-blk's serial (VIRTIO_BLK_ID_BYTES) both hold 20 bytes. */
  public static final int SERIAL_BYTES = 20;
  private final String volumeId;
  private final DeviceType type;
  private final BlockBackend backend;
  private final ScheduledExecutorService scheduler;
  private final QosGate qos;
  private final DeviceStats stats = new DeviceStats();
  private final ArrayDeque<Pending> held = new ArrayDeque<>();
  private boolean frozen;
  private int inFlight;
  private CompletableFuture<Void> drained;
  private CompletableFuture<Void> freezeDone;
  private ScheduledFuture<?> autoThaw;

  private record Pending(BlockRequest request, CompletableFuture<Void> future, long start) {
  }

  /** {@code scheduler} runs QoS wake-ups and auto-thaw; an event loop will do. */
  public HostBlockDevice(String volumeId, DeviceType type, BlockBackend backend, ScheduledExecutorService scheduler) {
    this.volumeId = volumeId;
    this.type = type;
    this.backend = backend;
    this.scheduler = scheduler;
    this.qos = new QosGate(scheduler);
  }

  public String volumeId() {
    return volumeId;
  }

  /** The volume id as the device serial, cut to the 20 ASCII bytes both device types carry. */
  public String serial() {
    String ascii = new String(volumeId.getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
    return ascii.length() <= SERIAL_BYTES ? ascii : ascii.substring(0, SERIAL_BYTES);
  }

  public DeviceType type() {
    return type;
  }

  public int blockSize() {
    return backend.blockSize();
  }

  public long capacityBytes() {
    return backend.blocks() * backend.blockSize();
  }

  public DeviceStats stats() {
    return stats;
  }

  public void qos(QosLimits limits) {
    qos.limits(limits);
  }

  public QosLimits qos() {
    return qos.limits();
  }

  public CompletableFuture<Void> read(long lba, int blocks, ByteBuf dst) {
    return submit(BlockRequest.read(lba, blocks, dst));
  }

  public CompletableFuture<Void> write(long lba, int blocks, ByteBuf src) {
    return submit(BlockRequest.write(lba, blocks, src));
  }

  public CompletableFuture<Void> flush() {
    return submit(BlockRequest.flush());
  }

  public CompletableFuture<Void> discard(long lba, int blocks) {
    return submit(BlockRequest.discard(lba, blocks));
  }

  /** The one entry point for every front end. */
  public CompletableFuture<Void> submit(BlockRequest r) {
    Pending p = new Pending(r, new CompletableFuture<>(), System.nanoTime());
    String invalid = validate(r);
    if (invalid != null) {
      stats.errors.increment();
      p.future.completeExceptionally(new IllegalArgumentException(invalid));
      return p.future;
    }
    synchronized (this) {
      if (frozen) {
        held.add(p);
        return p.future;
      }
      inFlight++;
    }
    admit(p);
    return p.future;
  }

  private String validate(BlockRequest r) {
    if (r.op() == BlockRequest.Op.FLUSH) {
      return null;
    }
    if (r.blocks() <= 0 || r.lba() < 0 || r.lba() > backend.blocks() - r.blocks()) {
      return "blocks " + r.lba() + "+" + r.blocks() + " outside device of " + backend.blocks() + " blocks";
    }
    boolean data = r.op() == BlockRequest.Op.READ || r.op() == BlockRequest.Op.WRITE;
    if (data && r.buffer() == null) {
      return r.op() + " without a buffer";
    }
    if (r.op() == BlockRequest.Op.WRITE && r.buffer().readableBytes() < r.bytes(blockSize())) {
      return "write buffer holds " + r.buffer().readableBytes() + " bytes, need " + r.bytes(blockSize());
    }
    return null;
  }

  private void admit(Pending p) {
    qos.acquire(p.request.bytes(blockSize()), () -> dispatch(p));
  }

  private void dispatch(Pending p) {
    BlockRequest r = p.request;
    CompletableFuture<Void> f;
    try {
      f = switch (r.op()) {
        case READ -> backend.read(r.lba(), r.blocks(), r.buffer());
        case WRITE -> backend.write(r.lba(), r.blocks(), r.buffer());
        case FLUSH -> backend.flush();
        case DISCARD -> backend.discard(r.lba(), r.blocks());
        case WRITE_ZEROES -> backend.writeZeroes(r.lba(), r.blocks());
      };
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((v, e) -> completed(p, e));
  }

  private void completed(Pending p, Throwable error) {
    stats.record(p.request, blockSize(), System.nanoTime() - p.start, error == null);
    CompletableFuture<Void> nowDrained = null;
    synchronized (this) {
      if (--inFlight == 0 && drained != null) {
        nowDrained = drained;
        drained = null;
      }
    }
    if (error == null) {
      p.future.complete(null);
    } else {
      p.future.completeExceptionally(error);
    }
    if (nowDrained != null) {
      nowDrained.complete(null);
    }
  }

  /**
   * Stops admitting I/O (new requests wait), drains what was admitted, flushes the remote side.
   * The device thaws by itself after {@code autoThawAfter}, so a lost thaw cannot hang the host.
   * Freezing a frozen device returns the pending or finished freeze.
   */
  public CompletableFuture<Void> freeze(Duration autoThawAfter) {
    CompletableFuture<Void> quiesced;
    synchronized (this) {
      if (frozen) {
        return freezeDone;
      }
      frozen = true;
      quiesced = new CompletableFuture<>();
      if (inFlight == 0) {
        quiesced.complete(null);
      } else {
        // A thaw before the last freeze drained leaves its waiter here; it drains with this one.
        CompletableFuture<Void> earlier = drained;
        if (earlier != null) {
          quiesced.thenRun(() -> earlier.complete(null));
        }
        drained = quiesced;
      }
      autoThaw = scheduler.schedule(() -> thaw(true), autoThawAfter.toNanos(), TimeUnit.NANOSECONDS);
      freezeDone = quiesced.thenCompose(v -> backend.flush());
      return freezeDone;
    }
  }

  public synchronized boolean frozen() {
    return frozen;
  }

  /** Releases held I/O in arrival order; returns false if the device was not frozen. */
  public boolean thaw() {
    return thaw(false);
  }

  private boolean thaw(boolean auto) {
    List<Pending> release;
    synchronized (this) {
      if (!frozen) {
        return false;
      }
      if (auto) {
        stats.autoThaws.increment();
      }
      frozen = false;
      autoThaw.cancel(false);
      release = new ArrayList<>(held);
      held.clear();
      inFlight += release.size();
    }
    release.forEach(this::admit);
    return true;
  }

  /** Requests held by a freeze or waiting for QoS tokens. */
  public synchronized int queued() {
    return held.size() + qos.waiting();
  }
}
