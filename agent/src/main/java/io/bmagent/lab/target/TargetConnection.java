package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.C2HDataPdu;
import io.bmagent.card.soft.nvmetcp.CapsuleCommandPdu;
import io.bmagent.card.soft.nvmetcp.CapsuleResponsePdu;
import io.bmagent.card.soft.nvmetcp.Cqe;
import io.bmagent.card.soft.nvmetcp.H2CDataPdu;
import io.bmagent.card.soft.nvmetcp.IcReqPdu;
import io.bmagent.card.soft.nvmetcp.IcRespPdu;
import io.bmagent.card.soft.nvmetcp.Nvme;
import io.bmagent.card.soft.nvmetcp.PduCodecConfig;
import io.bmagent.card.soft.nvmetcp.R2tPdu;
import io.bmagent.card.soft.nvmetcp.Sqe;
import io.bmagent.card.soft.nvmetcp.TermReqPdu;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * One NVMe/TCP connection, i.e. one queue pair: ICReq/ICResp, then Connect, then commands. Host
 * data arrives in-capsule or, beyond the in-capsule size, through one R2T per command answered
 * by H2CData PDUs of at most MAXH2CDATA bytes (NVMe/TCP 3.4.3, 3.6.2.7).
 */
final class TargetConnection extends ChannelInboundHandlerAdapter {
  private final NvmeTcpTarget target;
  private final TargetOptions options;
  private final PduCodecConfig codec;
  private final Map<Integer, PendingWrite> pending = new HashMap<>();
  /** Outstanding Asynchronous Event Requests of an admin queue, completed as events occur (NVMe Base 2.0, 5.2). */
  private final Deque<Sqe> eventRequests = new ArrayDeque<>();
  private boolean initialized;
  private boolean terminating;
  private TargetController controller;
  private int qid = -1;
  private int sqSize = 1;
  private int sqHead;
  private boolean sqFlowControl = true;
  private int nextTtag;

  private static final class PendingWrite {
    final Sqe sqe;
    final ByteBuf buf;
    final long length;
    boolean digestError;

    PendingWrite(Sqe sqe, ByteBuf buf, long length) {
      this.sqe = sqe;
      this.buf = buf;
      this.length = length;
    }

    Sqe sqe() {
      return sqe;
    }

    ByteBuf buf() {
      return buf;
    }

    long length() {
      return length;
    }
  }

  /** AERL + 1 requests may be outstanding; Identify Controller reports AERL 3. */
  private static final int MAX_EVENT_REQUESTS = 3;
  /** A bad data digest fails the command, not the connection (NVMe/TCP 1.0, 3.3.2). */
  private static final Completion TRANSPORT_ERROR =
      Completion.retryable(Nvme.SCT_GENERIC, Nvme.SC_TRANSIENT_TRANSPORT_ERROR);

  TargetConnection(NvmeTcpTarget target, TargetOptions options, PduCodecConfig codec) {
    this.target = target;
    this.options = options;
    this.codec = codec;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (terminating) {
        return; // PDUs decoded in the same read as the one we rejected
      }
      if (!(msg instanceof IcReqPdu) && !initialized && !(msg instanceof TermReqPdu)) {
        terminate(ctx, TermReqPdu.FES_PDU_SEQUENCE_ERROR, 0);
      } else if (msg instanceof IcReqPdu r) {
        initialize(ctx, r);
      } else if (msg instanceof CapsuleCommandPdu c) {
        command(ctx, c);
      } else if (msg instanceof H2CDataPdu d) {
        data(ctx, d);
      } else {
        ctx.close(); // H2CTermReq: the host gave up on this connection
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void initialize(ChannelHandlerContext ctx, IcReqPdu r) {
    if (initialized) {
      terminate(ctx, TermReqPdu.FES_PDU_SEQUENCE_ERROR, 0);
      return;
    }
    if (r.pfv() != 0) {
      terminate(ctx, TermReqPdu.FES_UNSUPPORTED_PARAMETER, 8);
      return;
    }
    if (r.hpda() > 31) {
      terminate(ctx, TermReqPdu.FES_INVALID_HEADER_FIELD, 10);
      return;
    }
    target.event(new TargetEvent(TargetEvent.Kind.IC_REQ, -1, -1,
        (r.headerDigest() ? TargetEvent.HDGST : 0) | (r.dataDigest() ? TargetEvent.DDGST : 0)));
    boolean hd = r.headerDigest() && options.digestsAllowed;
    boolean dd = r.dataDigest() && options.digestsAllowed;
    ctx.writeAndFlush(new IcRespPdu(0, 0, hd, dd, options.maxH2cData));
    // Digests and the host's alignment apply from the PDU after ICResp (3.6.2.3).
    codec.digests(hd, dd);
    codec.txPda(r.hpda());
    initialized = true;
  }

  private void command(ChannelHandlerContext ctx, CapsuleCommandPdu c) {
    Sqe sqe = c.sqe();
    sqHead = (sqHead + 1) % sqSize;
    boolean fabrics = sqe.opcode() == Nvme.FABRICS;
    if (controller == null && !(fabrics && sqe.fctype() == Nvme.FCTYPE_CONNECT)) {
      respond(ctx, sqe, Completion.error(Nvme.SCT_GENERIC, Nvme.SC_COMMAND_SEQUENCE_ERROR));
      return;
    }
    if (busyCounted(sqe)) {
      controller.subsystem().health().ioStarted();
    }
    // Data direction is in bits 1:0 of the opcode, or of FCTYPE for fabrics commands.
    boolean hostData = ((fabrics ? sqe.fctype() : sqe.opcode()) & 3) == 1;
    ByteBuf inline = c.content();
    long len = sqe.sglLength();
    if (!hostData || len == 0) {
      if (inline.isReadable()) {
        respond(ctx, sqe, Completion.error(Nvme.SCT_GENERIC, Nvme.SC_DATA_SGL_LENGTH_INVALID));
      } else {
        execute(ctx, sqe, null);
      }
    } else if (sqe.sglType() == Sqe.SGL_INCAPSULE) {
      int limit = qid <= 0 ? Math.max(Nvme.ADMIN_INCAPSULE_SIZE, options.inCapsuleDataSize)
          : options.inCapsuleDataSize;
      if (sqe.sglAddress() != 0 || len != inline.readableBytes() || len > limit) {
        respond(ctx, sqe, Completion.error(Nvme.SCT_GENERIC, Nvme.SC_DATA_SGL_LENGTH_INVALID));
      } else if (c.dataDigestError()) {
        respond(ctx, sqe, TRANSPORT_ERROR);
      } else {
        execute(ctx, sqe, inline);
      }
    } else if (sqe.sglType() == Sqe.SGL_TRANSPORT && !inline.isReadable()) {
      if (len > options.maxTransferBytes()) {
        respond(ctx, sqe, Completion.error(Nvme.SCT_GENERIC, Nvme.SC_DATA_SGL_LENGTH_INVALID));
        return;
      }
      int ttag = nextTtag++ & 0xffff;
      pending.put(ttag, new PendingWrite(sqe, ctx.alloc().buffer((int) len), len));
      // One R2T for the whole transfer; the host splits it by MAXH2CDATA (3.6.2.9).
      ctx.writeAndFlush(new R2tPdu(sqe.cid(), ttag, 0, len));
    } else {
      respond(ctx, sqe, Completion.error(Nvme.SCT_GENERIC, Nvme.SC_SGL_DESCRIPTOR_TYPE_INVALID));
    }
  }

  private void data(ChannelHandlerContext ctx, H2CDataPdu d) {
    PendingWrite p = pending.get(d.ttag());
    int datal = d.content().readableBytes();
    if (p == null || p.sqe().cid() != d.cccid()) {
      terminate(ctx, TermReqPdu.FES_INVALID_HEADER_FIELD, p == null ? 10 : 8);
      return;
    }
    if (datal > options.maxH2cData) {
      terminate(ctx, TermReqPdu.FES_DATA_LIMIT_EXCEEDED, 16);
      return;
    }
    if (d.datao() != p.buf().writerIndex() || d.datao() + datal > p.length()) {
      terminate(ctx, TermReqPdu.FES_DATA_OUT_OF_RANGE, 12);
      return;
    }
    p.buf().writeBytes(d.content());
    p.digestError |= d.dataDigestError();
    boolean complete = p.buf().writerIndex() == p.length();
    if (complete != d.last()) {
      terminate(ctx, TermReqPdu.FES_PDU_SEQUENCE_ERROR, 1);
      return;
    }
    if (complete) {
      pending.remove(d.ttag());
      try {
        if (p.digestError) {
          respond(ctx, p.sqe(), TRANSPORT_ERROR);
          return;
        }
        execute(ctx, p.sqe(), p.buf());
      } finally {
        p.buf().release();
      }
    }
  }

  private void execute(ChannelHandlerContext ctx, Sqe sqe, ByteBuf data) {
    Completion r;
    if (controller == null || (sqe.opcode() == Nvme.FABRICS && sqe.fctype() == Nvme.FCTYPE_CONNECT)) {
      r = connect(ctx, sqe, data);
    } else if (qid == 0) {
      r = AdminCommands.execute(ctx.alloc(), controller, options, sqe);
      if (r == null && eventRequests.size() > MAX_EVENT_REQUESTS) {
        r = Completion.error(Nvme.SCT_COMMAND_SPECIFIC, Nvme.SC_ASYNC_EVENT_LIMIT_EXCEEDED);
      } else if (r == null) {
        eventRequests.add(sqe);
      }
    } else if (!controller.ready()) {
      r = Completion.error(Nvme.SCT_GENERIC, Nvme.SC_COMMAND_SEQUENCE_ERROR);
    } else {
      r = IoCommands.execute(ctx.alloc(), controller, sqe, data);
    }
    if (r != null) {
      respond(ctx, sqe, r);
    }
    if (qid == 0 && controller != null) {
      deliverEvents(ctx);
    }
  }

  /** Events arise from admin commands (Set Features), so the admin queue looks for them after each one. */
  private void deliverEvents(ChannelHandlerContext ctx) {
    while (!eventRequests.isEmpty()) {
      long event = controller.takeEvent();
      if (event < 0) {
        return;
      }
      respond(ctx, eventRequests.poll(), Completion.ok(event));
    }
  }

  /** Controller busy time counts commands outstanding on I/O queues, from capsule to completion. */
  private boolean busyCounted(Sqe sqe) {
    return qid > 0 && sqe.opcode() != Nvme.FABRICS;
  }

  /** Fabrics Connect (NVMe-oF 1.1, 3.3.1); a second Connect on a connected queue is out of sequence. */
  private Completion connect(ChannelHandlerContext ctx, Sqe sqe, ByteBuf data) {
    if (controller != null) {
      return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_COMMAND_SEQUENCE_ERROR);
    }
    ConnectRequest req = ConnectRequest.parse(sqe, data);
    if (req.error() != null) {
      return req.error();
    }
    Subsystem sub = target.subsystem(req.subNqn());
    if (sub == null) {
      return ConnectRequest.invalid(true, 256);
    }
    if (!sub.hostAllowed(req.hostNqn())) {
      return Completion.error(Nvme.SCT_COMMAND_SPECIFIC, Nvme.SC_CONNECT_INVALID_HOST);
    }
    TargetController c;
    if (req.qid() == 0) {
      if (req.cntlid() < 0xFFFE) {
        return ConnectRequest.invalid(true, 16); // static controller IDs do not exist here
      }
      c = sub.newController(req.hostNqn(), req.hostId());
      c.startKeepAlive(ctx.channel().eventLoop(), req.kato());
    } else {
      c = sub.controller(req.cntlid());
      if (c == null || !c.sameHost(req.hostNqn(), req.hostId())) {
        return ConnectRequest.invalid(true, 16);
      }
      if (!c.ready()) {
        return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_COMMAND_SEQUENCE_ERROR);
      }
      int granted = c.grantedIoQueues() == 0 ? options.maxIoQueues : c.grantedIoQueues();
      if (req.qid() > granted) {
        return ConnectRequest.invalid(false, 42);
      }
    }
    if (!c.addQueue(req.qid(), ctx.channel())) {
      return ConnectRequest.invalid(false, 42);
    }
    controller = c;
    qid = req.qid();
    sqSize = req.sqSize() + 1;
    sqHead = 1 % sqSize;
    sqFlowControl = !req.sqFlowControlDisabled();
    return Completion.ok(c.cntlid());
  }

  private void respond(ChannelHandlerContext ctx, Sqe sqe, Completion r) {
    if (controller != null && r.status() != 0) {
      controller.errors().record(Math.max(qid, 0), sqe, r.status());
    }
    if (busyCounted(sqe)) {
      controller.subsystem().health().ioEnded();
    }
    ByteBuf data = r.data();
    if (data != null) {
      // Without SQ flow control the last C2HData of a plain success completes the command: no
      // CapsuleResp follows, one PDU less per read (NVMe/TCP 3.6.2.8, as Linux nvmet does).
      boolean success = !sqFlowControl && r.status() == 0 && r.dw0() == 0;
      int len = (int) Math.min(data.readableBytes(), sqe.sglLength());
      for (int off = 0; off < len; ) {
        int n = Math.min(options.c2hChunk, len - off);
        boolean last = off + n == len;
        ctx.write(new C2HDataPdu(sqe.cid(), off, last, last && success, data.retainedSlice(off, n)), ctx.voidPromise());
        off += n;
      }
      data.release();
      if (success && len > 0) {
        ctx.flush();
        return;
      }
    }
    // With SQ flow control disabled by the host, SQHD is reserved; report FFFFh as nvmet does.
    Cqe cqe = new Cqe(r.dw0(), 0, sqFlowControl ? sqHead : 0xFFFF, Math.max(qid, 0), sqe.cid(), r.status());
    // No one waits on a response's write: a void promise saves a promise and its completion per command.
    ctx.writeAndFlush(new CapsuleResponsePdu(cqe), ctx.voidPromise());
  }

  private void terminate(ChannelHandlerContext ctx, int fes, long fei) {
    terminating = true;
    ctx.writeAndFlush(new TermReqPdu(false, fes, fei, null)).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    pending.values().forEach(p -> {
      if (busyCounted(p.sqe())) {
        controller.subsystem().health().ioEnded();
      }
      p.buf().release();
    });
    pending.clear();
    if (controller != null) {
      controller.removeQueue(qid, ctx.channel());
      if (qid == 0) {
        controller.destroy();
      }
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
