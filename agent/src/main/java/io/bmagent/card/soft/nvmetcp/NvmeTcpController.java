package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soft card's NVMe/TCP initiator for one subsystem: an asynchronous block API over N I/O
 * queues, with reconnect. When any connection of the association drops, the whole association is
 * torn down (the controller it belonged to is gone with its admin queue anyway), unfinished I/O is
 * held, and a new association is attempted with capped exponential backoff. Held I/O is re-issued
 * on it; after the controller loss timeout it fails instead. Path state lives on one event loop.
 */
public final class NvmeTcpController implements AutoCloseable {
  private final NvmeTcpControllerConfig config;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final ControllerCounters counters = new ControllerCounters();
  private final List<PathListener> listeners = new CopyOnWriteArrayList<>();
  private final ArrayDeque<NvmeCommand> held = new ArrayDeque<>();
  private final AtomicInteger nextQueue = new AtomicInteger();
  private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
  private volatile PathState state = PathState.CONNECTING;
  private volatile Association current;
  private long downSince;
  private int attempt;
  private ScheduledFuture<?> lossTimer;

  private final boolean ownsGroup;

  /** The name its own event loops' threads start with. */
  public static final String INITIATOR_THREADS = "nvme-initiator";

  /** A controller with its own event loops ({@code config.threads} of them). */
  public NvmeTcpController(NvmeTcpControllerConfig config) {
    this(config, Transports.newGroup(INITIATOR_THREADS, config.threads, config.polling), true);
  }

  /** A controller on a shared group, which {@link #close()} leaves running. */
  public NvmeTcpController(NvmeTcpControllerConfig config, EventLoopGroup group) {
    this(config, group, false);
  }

  private NvmeTcpController(NvmeTcpControllerConfig config, EventLoopGroup group, boolean ownsGroup) {
    this.config = config;
    this.group = group;
    this.ownsGroup = ownsGroup;
    this.loop = group.next();
  }

  /** Connects, retrying like a reconnect; fails once the controller loss timeout has passed. */
  public CompletableFuture<Void> connect() {
    loop.execute(() -> {
      if (state == PathState.CONNECTING && current == null && lossTimer == null) {
        pathDown(null);
      }
    });
    return firstConnect;
  }

  public PathState state() {
    return state;
  }

  public void addListener(PathListener listener) {
    listeners.add(listener);
  }

  public ControllerCounters counters() {
    return counters;
  }

  /** Controller facts of the current association, null before the first one. */
  public ControllerInfo info() {
    Association a = current;
    return a == null ? null : a.info;
  }

  public NamespaceInfo namespace(int nsid) {
    Association a = current;
    return a == null ? null : a.namespaces.get(nsid);
  }

  public Map<Integer, NamespaceInfo> namespaces() {
    Association a = current;
    return a == null ? Map.of() : Map.copyOf(a.namespaces);
  }

  /**
   * Reads {@code blocks} blocks into {@code dst} from its writer index; the writer index moves
   * on success. Transfers above MDTS are split.
   */
  public CompletableFuture<Void> read(int nsid, long lba, int blocks, ByteBuf dst) {
    NamespaceInfo ns = namespace(nsid);
    if (ns == null || blocks < 1) {
      return invalid(nsid, blocks);
    }
    int bs = ns.blockSize();
    dst.ensureWritable(blocks * bs);
    int base = dst.writerIndex();
    return split(nsid, lba, blocks, (l, n, off, done) -> {
      ByteBuf slice = dst.slice(base + off, n * bs).writerIndex(0);
      return io("Read", NvmeCommands.read(nsid, l, n), null, slice, n * bs, done);
    }, () -> {
      dst.writerIndex(base + blocks * bs);
      counters.bytesRead.add((long) blocks * bs);
    });
  }

  /** Writes {@code blocks} blocks from {@code src} at its reader index; {@code src} is not modified. */
  public CompletableFuture<Void> write(int nsid, long lba, int blocks, ByteBuf src) {
    NamespaceInfo ns = namespace(nsid);
    if (ns == null || blocks < 1 || src.readableBytes() < blocks * ns.blockSize()) {
      return invalid(nsid, blocks);
    }
    int bs = ns.blockSize();
    int base = src.readerIndex();
    return split(nsid, lba, blocks, (l, n, off, done) ->
        io("Write", NvmeCommands.write(nsid, l, n), src.slice(base + off, n * bs), null, 0, done),
        () -> counters.bytesWritten.add((long) blocks * bs));
  }

  public CompletableFuture<Void> flush(int nsid) {
    return io("Flush", NvmeCommands.flush(nsid), null, null, 0, null);
  }

  public CompletableFuture<Void> writeZeroes(int nsid, long lba, int blocks) {
    if (namespace(nsid) == null || blocks < 1) {
      return invalid(nsid, blocks);
    }
    return split(nsid, lba, blocks, (l, n, off, done) ->
        io("Write Zeroes", NvmeCommands.writeZeroes(nsid, l, n, false), null, null, 0, done), null);
  }

  /** Dataset Management with the deallocate attribute over one range. */
  public CompletableFuture<Void> deallocate(int nsid, long lba, int blocks) {
    ByteBuf range = NvmeCommands.dsmRange(ByteBufAllocator.DEFAULT, lba, blocks);
    return io("Deallocate", NvmeCommands.deallocate(nsid), range, null, 0, null)
        .whenComplete((v, e) -> range.release());
  }

  private CompletableFuture<Void> invalid(int nsid, int blocks) {
    return CompletableFuture.failedFuture(new IllegalArgumentException(namespace(nsid) == null
        ? "namespace " + nsid + " is not known on " + config.subNqn
        : "bad block count or buffer for " + blocks + " blocks"));
  }

  private interface Part {
    CompletableFuture<Void> run(long lba, int blocks, int byteOffset, Runnable onSuccess);
  }

  /** Runs {@code done} (if any) once every part succeeded, before the returned future completes. */
  private CompletableFuture<Void> split(int nsid, long lba, int blocks, Part part, Runnable done) {
    int bs = namespace(nsid).blockSize();
    Association a = current;
    int maxBlocks = Math.max(1, Math.min(65536, (a == null ? 1 << 20 : a.info.maxTransferBytes()) / bs));
    if (blocks <= maxBlocks) {
      return part.run(lba, blocks, 0, done);
    }
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (int off = 0; off < blocks; off += maxBlocks) {
      parts.add(part.run(lba + off, Math.min(maxBlocks, blocks - off), off * bs, null));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    return done == null ? all : all.thenRun(done);
  }

  /*
   * Every I/O command here is safe to send twice: reads have no effect, writes and write-zeroes
   * of whole blocks leave the same content however often they land, and flush or deallocate
   * repeated are still flush or deallocate. That is why lost connections re-issue instead of fail.
   */
  private CompletableFuture<Void> io(String what, Sqe sqe, ByteBuf out, ByteBuf in, int inLength,
      Runnable onSuccess) {
    NvmeCommand c = new NvmeCommand(what, sqe, out, in, inLength, true);
    counters.submitted.increment();
    // One dependent stage per I/O rather than a thenApply/whenComplete/thenRun chain: each stage
    // is an allocation and a completion on the event loop, paid for every 4 KiB.
    CompletableFuture<Void> result = new CompletableFuture<>();
    c.future.whenComplete((cqe, e) -> {
      Throwable error = e != null ? e : cqe.ok() ? null : NvmeException.status(what, cqe);
      if (error != null) {
        counters.failed.increment();
        result.completeExceptionally(error);
        return;
      }
      counters.completed.increment();
      if (onSuccess != null) {
        onSuccess.run();
      }
      result.complete(null);
    });
    if (loop.inEventLoop()) {
      dispatch(c);
    } else {
      loop.execute(() -> dispatch(c));
    }
    return result;
  }

  private void dispatch(NvmeCommand c) {
    switch (state) {
      case CONNECTED -> {
        List<NvmeTcpQueue> qs = current.ioQueues();
        qs.get(Math.floorMod(nextQueue.getAndIncrement(), qs.size())).submit(c);
      }
      case CONNECTING, RECONNECTING -> held.add(c);
      default -> c.future.completeExceptionally(failure());
    }
  }

  /**
   * Commands whose connection died, or that saw a transport error on one that lives; runs on any
   * queue loop, so hop to ours. Either way the command goes again, within the attempt budget.
   */
  private void orphaned(List<NvmeCommand> lost) {
    if (state == PathState.CLOSED) {
      // Our loop may already be shutting down; fail here rather than risk a rejected hop.
      lost.forEach(c -> c.future.completeExceptionally(failure()));
      return;
    }
    loop.execute(() -> {
      for (NvmeCommand c : lost) {
        if (!c.reissue) {
          c.future.completeExceptionally(NvmeException.path("connection lost during " + c.what, null));
        } else if (c.attempts >= config.maxAttempts && c.lastError != null) {
          c.future.complete(c.lastError);
        } else if (c.attempts >= config.maxAttempts) {
          c.future.completeExceptionally(NvmeException.path(c.what + " failed after " + c.attempts
              + " attempts on " + config.subNqn, null));
        } else {
          counters.reissued.increment();
          dispatch(c);
        }
      }
    });
  }

  private NvmeException failure() {
    return failure(state == PathState.FAILED);
  }

  private NvmeException failure(boolean pastLossTimeout) {
    if (state == PathState.CLOSED) {
      return NvmeException.path("controller for " + config.subNqn + " is closed", null);
    }
    return NvmeException.path(String.format("path to %s at %s:%d down for %ds%s", config.subNqn, config.host,
        config.port, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - downSince),
        pastLossTimeout ? ", past the controller loss timeout of " + config.controllerLossTimeoutMillis
            + " ms" : ""),
        null);
  }

  private void setState(PathState s, Throwable cause) {
    if (state != s) {
      state = s;
      listeners.forEach(l -> l.stateChanged(s, cause));
    }
  }

  /** Starts (or continues) recovery: the loss timer runs from the first moment the path was down. */
  private void pathDown(Throwable cause) {
    if (state == PathState.CONNECTED) {
      setState(PathState.RECONNECTING, cause);
    }
    if (lossTimer == null) {
      downSince = System.nanoTime();
      attempt = 0;
      lossTimer = loop.schedule(this::lossTimeout, config.controllerLossTimeoutMillis, TimeUnit.MILLISECONDS);
      tryConnect();
    }
  }

  private void tryConnect() {
    if (state != PathState.CONNECTING && state != PathState.RECONNECTING) {
      return;
    }
    Association a = new Association(config, group, counters, this::orphaned);
    a.establish().whenComplete((ok, e) -> loop.execute(() -> established(a, e)));
  }

  private void established(Association a, Throwable error) {
    if (error != null || (state != PathState.CONNECTING && state != PathState.RECONNECTING)) {
      a.close();
      if (error != null) {
        long delay = Math.min(config.maxReconnectDelayMillis, config.reconnectDelayMillis << Math.min(attempt++, 20));
        loop.schedule(this::tryConnect, delay, TimeUnit.MILLISECONDS);
      }
      return;
    }
    if (current != null) {
      counters.reconnects.increment();
    }
    current = a;
    lossTimer.cancel(false);
    lossTimer = null;
    for (Channel ch : a.channels()) {
      ch.closeFuture().addListener(f -> loop.execute(() -> lost(a)));
    }
    setState(PathState.CONNECTED, null);
    firstConnect.complete(null);
    while (!held.isEmpty()) {
      dispatch(held.poll());
    }
  }

  private void lost(Association a) {
    if (a != current || state != PathState.CONNECTED) {
      return;
    }
    a.close();
    pathDown(NvmeException.path("connection to " + config.host + ":" + config.port + " lost", null));
  }

  private void lossTimeout() {
    lossTimer = null;
    NvmeException e = failure(true);
    setState(PathState.FAILED, e);
    firstConnect.completeExceptionally(e);
    while (!held.isEmpty()) {
      held.poll().future.completeExceptionally(e);
    }
  }

  /** Re-reads the active namespace list, e.g. after a snapshot or clone added one on the target. */
  public CompletableFuture<Void> rescan() {
    Association a = current;
    if (a == null || state != PathState.CONNECTED) {
      return CompletableFuture.failedFuture(failure());
    }
    return a.identifyNamespaces();
  }

  /**
   * Shuts the controller down in order if connected (see {@link Association#shutdown}), then
   * drops everything. A controller that does not report shutdown complete within the bound is
   * abandoned and counted ({@link ControllerCounters#shutdownTimeouts()}). Blocks until done, so
   * never call it from an event loop.
   */
  @Override
  public void close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(() -> {
      Association a = current;
      boolean connected = state == PathState.CONNECTED;
      setState(PathState.CLOSED, null);
      if (lossTimer != null) {
        lossTimer.cancel(false);
      }
      NvmeException e = failure();
      firstConnect.completeExceptionally(e);
      while (!held.isEmpty()) {
        held.poll().future.completeExceptionally(e);
      }
      if (!connected) {
        done.complete(null);
        return;
      }
      a.shutdown(config.shutdownTimeoutMillis).whenComplete((outcome, x) -> {
        (outcome == Association.ShutdownOutcome.COMPLETE ? counters.shutdownsComplete
            : outcome == Association.ShutdownOutcome.TIMED_OUT ? counters.shutdownTimeouts
            : counters.shutdownErrors).increment();
        a.close();
        done.complete(null);
      });
    });
    done.join();
    if (ownsGroup) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
