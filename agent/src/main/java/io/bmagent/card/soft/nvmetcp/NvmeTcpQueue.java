package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The host side of one NVMe/TCP connection (one queue pair): ICReq/ICResp, command-id slots,
 * R2T answered with H2CData, C2HData placed into the caller's buffer. All state is touched on the
 * channel's event loop only. When the connection goes, every unfinished command is handed to
 * {@code orphans}; a command that times out closes the connection, as Linux error recovery does.
 * Timeouts are found by one sweep per queue rather than a timer per command, as blk-mq does: a
 * timer armed and cancelled per I/O is a scheduler-heap insert and removal on the hot path.
 */
final class NvmeTcpQueue extends ChannelInboundHandlerAdapter {
  final int qid;
  final CompletableFuture<IcRespPdu> ready = new CompletableFuture<>();
  private final NvmeCommand[] slots;
  private final ArrayDeque<Integer> freeCids = new ArrayDeque<>();
  private final ArrayDeque<NvmeCommand> backlog = new ArrayDeque<>();
  private final PduCodecConfig codec;
  private final NvmeTcpControllerConfig config;
  private final Consumer<List<NvmeCommand>> orphans;
  private final ControllerCounters counters;
  private ChannelHandlerContext ctx;
  private int inCapsuleLimit = Nvme.ADMIN_INCAPSULE_SIZE;
  private long maxH2cData = 4096;
  private boolean closed;
  private ScheduledFuture<?> sweep;
  private int outstanding;
  private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();

  NvmeTcpQueue(int qid, int depth, PduCodecConfig codec, NvmeTcpControllerConfig config,
      ControllerCounters counters, Consumer<List<NvmeCommand>> orphans) {
    this.qid = qid;
    this.slots = new NvmeCommand[depth];
    for (int i = 0; i < depth; i++) {
      freeCids.add(i);
    }
    this.codec = codec;
    this.config = config;
    this.counters = counters;
    this.orphans = orphans;
  }

  Channel channel() {
    return ctx.channel();
  }

  /** After Connect, I/O queues carry in-capsule data only up to IOCCSZ (NVMe-oF 1.1, 2.2). */
  void inCapsuleLimit(int bytes) {
    channel().eventLoop().execute(() -> inCapsuleLimit = bytes);
  }

  /** Submits from any thread; the command is queued if every command-id slot is busy. */
  void submit(NvmeCommand c) {
    Channel ch = ctx.channel();
    if (ch.eventLoop().inEventLoop()) {
      submitOnLoop(c);
    } else {
      ch.eventLoop().execute(() -> submitOnLoop(c));
    }
  }

  private void submitOnLoop(NvmeCommand c) {
    if (closed) {
      orphans.accept(List.of(c));
    } else if (freeCids.isEmpty()) {
      backlog.add(c);
    } else {
      send(c, freeCids.poll());
    }
  }

  /**
   * Completes once no command is outstanding here, for the drain before shutdown (NVMe Base 2.0,
   * 3.6.1: allow outstanding commands to complete before deleting the queues). Any thread.
   */
  CompletableFuture<Void> drained() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    channel().eventLoop().execute(() -> {
      if (outstanding == 0 || closed) {
        f.complete(null);
      } else {
        idleWaiters.add(f);
      }
    });
    return f;
  }

  private void send(NvmeCommand c, int cid) {
    slots[cid] = c;
    outstanding++;
    c.attempts++;
    c.received = 0;
    c.transportError = false;
    c.lastError = null;
    Sqe sqe = c.sqe.cid(cid);
    ByteBuf inline = null;
    if (c.outLength() > 0 && c.outLength() <= inCapsuleLimit) {
      sqe.sgl(Sqe.SGL_INCAPSULE, 0, c.outLength());
      inline = c.out.retainedSlice();
    } else {
      sqe.sgl(Sqe.SGL_TRANSPORT, 0, c.out != null ? c.outLength() : c.inLength);
    }
    c.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.commandTimeoutMillis);
    // The FlushConsolidationHandler in front turns the flushes of one loop turn into one syscall.
    // A void promise: nothing waits on the write (a failed one closes the connection, orphaning the command).
    ctx.writeAndFlush(new CapsuleCommandPdu(sqe, inline), ctx.voidPromise());
  }

  /** A command past its deadline closes the connection; it is noticed within a sweep period of it. */
  private void sweep() {
    long now = System.nanoTime();
    for (NvmeCommand c : slots) {
      if (c != null && now - c.deadline > 0) {
        counters.timeouts.increment();
        ctx.close();
        return;
      }
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    long period = Math.max(10, Math.min(1000, config.commandTimeoutMillis / 4));
    sweep = ctx.executor().scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    // HPDA 0 (no alignment needed), MAXR2T 0: one outstanding R2T per command (3.6.2.2).
    ctx.writeAndFlush(new IcReqPdu(0, 0, config.headerDigest, config.dataDigest, 0));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (closed) {
        return; // PDUs decoded in the same read as the one we rejected
      }
      if (msg instanceof IcRespPdu r) {
        initialized(r);
      } else if (!ready.isDone() || msg instanceof TermReqPdu) {
        ctx.close();
      } else if (msg instanceof CapsuleResponsePdu r) {
        complete(r.cqe().cid(), r.cqe());
      } else if (msg instanceof C2HDataPdu d) {
        data(d);
      } else if (msg instanceof R2tPdu r) {
        r2t(r);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void initialized(IcRespPdu r) {
    if (ready.isDone() || r.pfv() != 0 || r.maxH2cData() < 4096 || r.cpda() > 31
        || (r.headerDigest() && !config.headerDigest) || (r.dataDigest() && !config.dataDigest)) {
      terminate(TermReqPdu.FES_INVALID_HEADER_FIELD, 0);
      return;
    }
    maxH2cData = r.maxH2cData();
    codec.digests(r.headerDigest(), r.dataDigest());
    codec.txPda(r.cpda());
    ready.complete(r);
  }

  private NvmeCommand command(int cid) {
    return cid < slots.length ? slots[cid] : null;
  }

  /**
   * Places C2HData (NVMe/TCP 3.6.2.8). A PDU naming no outstanding read is fatal (the CCCID field
   * is wrong, FEI 8), as is data past the command's length (Data Transfer Out of Range). A bad
   * data digest only fails this command; so does SUCCESS without LAST_PDU or with some of the
   * command's data missing, since SUCCESS stands in for a CapsuleResp that no longer follows.
   */
  private void data(C2HDataPdu d) {
    NvmeCommand c = command(d.cccid());
    int len = d.content().readableBytes();
    if (c == null || c.in == null) {
      terminate(TermReqPdu.FES_INVALID_HEADER_FIELD, 8);
      return;
    }
    if (d.datao() + len > c.inLength) {
      terminate(TermReqPdu.FES_DATA_OUT_OF_RANGE, 12);
      return;
    }
    if (d.dataDigestError()) {
      c.transportError = true;
    } else {
      c.in.setBytes(c.inBase + (int) d.datao(), d.content());
      c.received += len;
    }
    if (d.success()) {
      if (!d.last()) {
        c.transportError = true;
      }
      complete(d.cccid(), Cqe.success(d.cccid(), 0));
    }
  }

  /** Answers an R2T with H2CData PDUs of at most MAXH2CDATA, LAST_PDU on the final one (3.6.2.7). */
  private void r2t(R2tPdu r) {
    NvmeCommand c = command(r.cccid());
    if (c == null || c.out == null) {
      terminate(TermReqPdu.FES_INVALID_HEADER_FIELD, 8);
      return;
    }
    if (r.r2to() + r.r2tl() > c.outLength() || r.r2tl() == 0) {
      terminate(TermReqPdu.FES_DATA_OUT_OF_RANGE, 12);
      return;
    }
    long end = r.r2to() + r.r2tl();
    for (long off = r.r2to(); off < end; ) {
      int n = (int) Math.min(maxH2cData, end - off);
      ByteBuf chunk = c.out.retainedSlice(c.out.readerIndex() + (int) off, n);
      ctx.write(new H2CDataPdu(r.cccid(), r.ttag(), off, off + n == end, chunk), ctx.voidPromise());
      off += n;
    }
    ctx.flush();
  }

  private void complete(int cid, Cqe cqe) {
    NvmeCommand c = command(cid);
    if (c == null) {
      terminate(TermReqPdu.FES_INVALID_HEADER_FIELD, 8);
      return;
    }
    slots[cid] = null;
    outstanding--;
    if (cqe.ok() && c.in != null && c.received != c.inLength) {
      c.transportError = true; // a success that did not bring all of the command's data
    }
    if (cqe.ok() && c.transportError) {
      // Transient Transport Error, DNR clear (NVMe Base 2.0, 4.2.3.1, generic status 22h).
      counters.transportErrors.increment();
      c.lastError = Cqe.error(cid, Nvme.SCT_GENERIC, Nvme.SC_TRANSIENT_TRANSPORT_ERROR, false);
      if (c.reissue) {
        orphans.accept(List.of(c));
      } else {
        c.future.complete(c.lastError);
      }
    } else {
      if (cqe.ok() && c.in != null) {
        c.in.writerIndex(Math.max(c.in.writerIndex(), c.inBase + c.inLength));
      }
      c.future.complete(cqe);
    }
    NvmeCommand next = backlog.poll();
    if (next != null) {
      send(next, cid);
    } else {
      freeCids.add(cid);
    }
    if (outstanding == 0 && !idleWaiters.isEmpty()) {
      idleWaiters.forEach(f -> f.complete(null));
      idleWaiters.clear();
    }
  }

  private void terminate(int fes, long fei) {
    closed = true;
    ctx.writeAndFlush(new TermReqPdu(true, fes, fei, null)).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (sweep != null) {
      sweep.cancel(false);
    }
    ready.completeExceptionally(NvmeException.path("connection closed before ICResp", null));
    List<NvmeCommand> lost = new ArrayList<>(backlog);
    backlog.clear();
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] != null) {
        lost.add(slots[i]);
        slots[i] = null;
      }
    }
    outstanding = 0;
    idleWaiters.forEach(f -> f.complete(null));
    idleWaiters.clear();
    if (!lost.isEmpty()) {
      orphans.accept(lost);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
