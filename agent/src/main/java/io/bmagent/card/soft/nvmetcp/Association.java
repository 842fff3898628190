package io.bmagent.card.soft.nvmetcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One association with the subsystem: an admin queue and its I/O queues, brought up in the order
 * of NVMe-oF 1.1, 3.5 and NVMe Base 7.6.1: ICReq, Connect (QID 0), CAP, CC.EN=1, CSTS.RDY,
 * Identify, Number of Queues, then one connection and Connect per I/O queue.
 */
final class Association {
  private static final int ADMIN_DEPTH = 31;
  private static final int MAX_C2H_DATA = 16 << 20;
  /** CC: EN, IOSQES 6 (64 bytes), IOCQES 4 (16 bytes), NVM command set, 4 KiB pages (Base 3.1.5). */
  private static final long CC_ENABLED = 1 | (6 << 16) | (4 << 20);
  final List<NvmeTcpQueue> queues = new ArrayList<>();
  final Map<Integer, NamespaceInfo> namespaces = new ConcurrentSkipListMap<>();
  ControllerInfo info;
  private final NvmeTcpControllerConfig config;
  private final EventLoopGroup group;
  private final ControllerCounters counters;
  private final Consumer<List<NvmeCommand>> orphans;
  private NvmeTcpQueue admin;
  private int cntlid;
  private long cap;
  private long rtd3eMicros;
  private ScheduledFuture<?> keepAlive;

  Association(NvmeTcpControllerConfig config, EventLoopGroup group, ControllerCounters counters,
        Consumer<List<NvmeCommand>> orphans) {
    this.config = config;
    this.group = group;
    this.counters = counters;
    this.orphans = orphans;
  }

  List<NvmeTcpQueue> ioQueues() {
    return queues.subList(1, queues.size());
  }

  CompletableFuture<Association> establish() {
    return open(0, ADMIN_DEPTH).thenCompose(q -> {
      admin = q;
      return connect(q, ADMIN_DEPTH, 0xFFFF);
    }).thenCompose(id -> {
      cntlid = id;
      return admin("Property Get CAP", NvmeCommands.propertyGet(Nvme.PROP_CAP, true));
    }).thenCompose(c -> {
      cap = c.dw0() | (c.dw1() << 32);
      return admin("Property Set CC", NvmeCommands.propertySet(Nvme.PROP_CC, CC_ENABLED, false));
    }).thenCompose(c -> waitReady(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500L * ((cap >>> 24) & 0xff))))
        .thenCompose(v -> identifyController())
        .thenCompose(v -> admin("Set Features Number of Queues", NvmeCommands.setNumberOfQueues(config.ioQueues)))
        .thenCompose(c -> openIoQueues(Math.min(config.ioQueues, (int) Math.min(c.dw0() & 0xffff, c.dw0() >>> 16) + 1)))
        .thenCompose(v -> identifyNamespaces())
        .thenApply(v -> {
          startKeepAlive();
          return this;
        });
  }

  private CompletableFuture<NvmeTcpQueue> open(int qid, int depth) {
    PduCodecConfig codec = new PduCodecConfig(true, MAX_C2H_DATA);
    NvmeTcpQueue q = new NvmeTcpQueue(qid, depth, codec, config, counters, orphans);
    CompletableFuture<NvmeTcpQueue> f = new CompletableFuture<>();
    new Bootstrap().group(group).channel(Transports.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeoutMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            // Commands submitted in one event-loop turn leave in one write syscall; NVMe/TCP
            // streams PDUs back to back, so nothing but latency depends on PDU-sized writes.
            ch.pipeline().addLast(new FlushConsolidationHandler(256, true), new NvmeTcpPduEncoder(codec),
                new NvmeTcpPduDecoder(codec), q);
          }
        }).connect(config.host, config.port).addListener(cf -> {
          if (!cf.isSuccess()) {
            f.completeExceptionally(NvmeException.path("cannot connect to " + config.host + ":"
                + config.port + ": " + cf.cause().getMessage(), cf.cause()));
            return;
          }
          Channel ch = ((ChannelFuture) cf).channel();
          synchronized (queues) {
            queues.add(qid == 0 ? 0 : queues.size(), q);
          }
          q.ready.orTimeout(config.commandTimeoutMillis, TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
            if (e != null) {
              ch.close();
              f.completeExceptionally(e);
            } else {
              f.complete(q);
            }
          });
        });
    return f;
  }

  private CompletableFuture<Integer> connect(NvmeTcpQueue q, int depth, int id) {
    ByteBuf data = NvmeCommands.connectData(ByteBufAllocator.DEFAULT, config.hostId, id, config.subNqn,
        config.hostNqn);
    Sqe sqe = NvmeCommands.connect(q.qid, depth + 1, q.qid == 0 ? config.keepAliveTimeoutMillis : 0);
    if (q.qid != 0) {
      // CATTR bit 2, SQ flow control disabled (NVMe-oF 1.1, Figure 19): a queue never has more
      // commands out than SQSIZE allows, so SQHD tells us nothing; without it the controller may
      // end a read with a C2HData PDU carrying SUCCESS instead of a CapsuleResp (NVMe/TCP 3.6.2.8).
      sqe.u8(46, 4);
    }
    NvmeCommand c = new NvmeCommand("Connect QID " + q.qid, sqe, data, null, 0, false);
    return run(q, c).whenComplete((r, e) -> data.release()).thenApply(cqe -> (int) (cqe.dw0() & 0xffff));
  }

  private CompletableFuture<Cqe> admin(String what, Sqe sqe) {
    return run(admin, new NvmeCommand(what, sqe, null, null, 0, false));
  }

  private CompletableFuture<Cqe> run(NvmeTcpQueue q, NvmeCommand c) {
    q.submit(c);
    return c.future.thenApply(cqe -> {
      if (!cqe.ok()) {
        throw NvmeException.status(c.what, cqe);
      }
      return cqe;
    });
  }

  private CompletableFuture<Void> waitReady(long deadline) {
    return admin("Property Get CSTS", NvmeCommands.propertyGet(Nvme.PROP_CSTS, false)).thenCompose(c -> {
      if ((c.dw0() & 1) != 0) {
        return CompletableFuture.completedFuture(null);
      }
      if (System.nanoTime() > deadline) {
        throw NvmeException.path("controller did not become ready within CAP.TO", null);
      }
      CompletableFuture<Void> later = new CompletableFuture<>();
      admin.channel().eventLoop().schedule(() -> waitReady(deadline).whenComplete((v, e) -> {
        if (e != null) {
          later.completeExceptionally(e);
        } else {
          later.complete(null);
        }
      }), 10, TimeUnit.MILLISECONDS);
      return later;
    });
  }

  private CompletableFuture<ByteBuf> identify(int cns, long nsid) {
    ByteBuf page = ByteBufAllocator.DEFAULT.heapBuffer(Nvme.IDENTIFY_SIZE);
    NvmeCommand c = new NvmeCommand("Identify CNS " + cns, NvmeCommands.identify(cns, nsid), null, page,
        Nvme.IDENTIFY_SIZE, false);
    return run(admin, c).handle((cqe, e) -> {
      if (e != null) {
        page.release();
        throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
      }
      return page;
    });
  }

  private CompletableFuture<Void> identifyController() {
    return identify(Nvme.CNS_CONTROLLER, 0).thenAccept(p -> {
      try {
        int mdts = p.getUnsignedByte(77);
        rtd3eMicros = p.getUnsignedIntLE(88);
        int pageSize = 4096 << ((cap >>> 48) & 0xf);
        int maxTransfer = mdts == 0 || mdts > 10 ? 1 << 20 : Math.min(1 << 20, pageSize << mdts);
        int inCapsule = Math.max(0, (int) p.getUnsignedIntLE(1792) * 16 - Sqe.SIZE);
        int depth = (int) Math.min(config.queueDepth, (cap & 0xffff));
        IcRespPdu ic = admin.ready.join();
        info = new ControllerInfo(cntlid, ascii(p, 4, 20), ascii(p, 24, 40), ascii(p, 64, 8), maxTransfer,
            inCapsule, 0, depth, (p.getByte(525) & 1) != 0, ic.headerDigest(), ic.dataDigest());
      } finally {
        p.release();
      }
    });
  }

  private static String ascii(ByteBuf p, int off, int len) {
    return p.toString(off, len, StandardCharsets.US_ASCII).trim();
  }

  private CompletableFuture<Void> openIoQueues(int n) {
    info = new ControllerInfo(info.cntlid(), info.serial(), info.model(), info.firmware(), info.maxTransferBytes(),
        info.inCapsuleBytes(), n, info.queueDepth(), info.volatileWriteCache(), info.headerDigest(),
        info.dataDigest());
    List<CompletableFuture<Integer>> all = new ArrayList<>();
    for (int qid = 1; qid <= n; qid++) {
      int id = qid;
      all.add(open(id, info.queueDepth()).thenCompose(q -> connect(q, info.queueDepth(), cntlid).thenApply(r -> {
        q.inCapsuleLimit(info.inCapsuleBytes());
        return r;
      })));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenRun(() -> queues.sort(
        Comparator.comparingInt(q -> q.qid)));
  }

  /** Active namespace list (CNS 02h), then Identify Namespace for each; also used to rescan. */
  CompletableFuture<Void> identifyNamespaces() {
    return identify(Nvme.CNS_ACTIVE_NSIDS, 0).thenCompose(list -> {
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < 1024 && list.getIntLE(i * 4) != 0; i++) {
        ids.add(list.getIntLE(i * 4));
      }
      list.release();
      namespaces.keySet().retainAll(ids);
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (int nsid : ids) {
        chain = chain.thenCompose(v -> identify(Nvme.CNS_NAMESPACE, nsid).thenAccept(p -> {
          long nsze = p.getLongLE(0);
          int lbaf = p.getUnsignedByte(26) & 0xf;
          int lbads = p.getUnsignedByte(128 + 4 * lbaf + 2);
          byte[] nguid = new byte[16];
          p.getBytes(104, nguid);
          p.release();
          if (nsze > 0) {
            namespaces.put(nsid, new NamespaceInfo(nsid, nsze, 1 << lbads, nguid));
          }
        }));
      }
      return chain;
    });
  }

  /** Keep Alive every KATO/2, so one lost or late command does not expire the timer (Base 7.12). */
  private void startKeepAlive() {
    long period = config.keepAliveTimeoutMillis / 2;
    if (period <= 0) {
      return;
    }
    Channel ch = admin.channel();
    keepAlive = ch.eventLoop().scheduleAtFixedRate(() -> admin("Keep Alive", NvmeCommands.keepAlive())
        .whenComplete((c, e) -> {
          if (e != null) {
            ch.close();
          }
        }), period, period, TimeUnit.MILLISECONDS);
    ch.closeFuture().addListener(f -> keepAlive.cancel(false));
  }

  List<Channel> channels() {
    List<Channel> out = new ArrayList<>();
    synchronized (queues) {
      for (NvmeTcpQueue q : queues) {
        out.add(q.channel());
      }
    }
    return out;
  }

  void close() {
    channels().forEach(Channel::close);
  }

  /** How a {@link #shutdown} ended. */
  enum ShutdownOutcome { COMPLETE, TIMED_OUT, FAILED }

  /**
   * Orderly shutdown in the order of NVMe Base 2.0, 3.6.1 (as Linux nvme_tcp_teardown_ctrl does
   * it): let outstanding I/O finish, delete the I/O queues (over fabrics: disconnect their
   * connections, NVMe-oF 1.1, 3.5), set CC.SHN to 01b (normal), poll CSTS.SHST until 10b
   * (complete), then drop the admin connection. The wait is bounded by RTD3E, at least
   * {@code minMillis} and at most 60 s as Linux clamps it; past it the controller is abandoned.
   */
  CompletableFuture<ShutdownOutcome> shutdown(long minMillis) {
    long bound = Math.min(60_000, Math.max(minMillis, (rtd3eMicros + 999) / 1000));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(bound);
    List<NvmeTcpQueue> io = new ArrayList<>(ioQueues());
    CompletableFuture<?>[] drains = io.stream().map(NvmeTcpQueue::drained).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(drains).completeOnTimeout(null, bound, TimeUnit.MILLISECONDS)
        .thenCompose(v -> CompletableFuture.allOf(io.stream()
            .map(q -> toFuture(q.channel().close())).toArray(CompletableFuture[]::new)))
        .thenCompose(v -> admin("Property Set CC.SHN", NvmeCommands.propertySet(Nvme.PROP_CC,
            CC_ENABLED | Nvme.CC_SHN_NORMAL, false)))
        .thenCompose(c -> waitShutdown(deadline))
        .exceptionally(e -> ShutdownOutcome.FAILED)
        .thenCompose(outcome -> toFuture(admin.channel().close()).thenApply(v -> outcome));
  }

  private CompletableFuture<ShutdownOutcome> waitShutdown(long deadline) {
    return admin("Property Get CSTS", NvmeCommands.propertyGet(Nvme.PROP_CSTS, false)).thenCompose(c -> {
      if (((c.dw0() >>> 2) & 3) == Nvme.CSTS_SHST_COMPLETE) {
        return CompletableFuture.completedFuture(ShutdownOutcome.COMPLETE);
      }
      if (System.nanoTime() - deadline > 0) {
        return CompletableFuture.completedFuture(ShutdownOutcome.TIMED_OUT);
      }
      CompletableFuture<ShutdownOutcome> later = new CompletableFuture<>();
      admin.channel().eventLoop().schedule(() -> waitShutdown(deadline).whenComplete((o, e) -> {
        if (e != null) {
          later.completeExceptionally(e);
        } else {
          later.complete(o);
        }
      }), 10, TimeUnit.MILLISECONDS);
      return later;
    });
  }

  private static CompletableFuture<Void> toFuture(ChannelFuture cf) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    cf.addListener(x -> f.complete(null));
    return f;
  }
}
