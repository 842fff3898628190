package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Nvme;
import io.bmagent.card.soft.nvmetcp.Sqe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.io.IOException;

/**
 * Executes NVM I/O commands against a namespace. The backing is called on the connection's event
 * loop: the lab target favours simple ordering over throughput.
 */
final class IoCommands {
  private static final long ALL_NAMESPACES = 0xFFFFFFFFL;

  private IoCommands() {
  }

  /**
   * {@code data} holds the host's data for writes and DSM, already gathered in full. Successful reads and writes
   * count in the subsystem's health; with the controller's volatile write cache off, writes are durable before they
   * complete (Volatile Write Cache, NVMe Base 2.0, 5.27.1.4).
   */
  static Completion execute(ByteBufAllocator alloc, TargetController c, Sqe sqe, ByteBuf data) {
    Subsystem s = c.subsystem();
    try {
      if (sqe.opcode() == Nvme.IO_FLUSH && sqe.nsid() == ALL_NAMESPACES) {
        for (Namespace ns : s.namespaces().values()) {
          ns.backing().flush();
        }
        return Completion.OK;
      }
      Namespace ns = sqe.nsid() > Subsystem.MAX_NAMESPACES ? null : s.namespace((int) sqe.nsid());
      if (ns == null) {
        return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_NAMESPACE);
      }
      return switch (sqe.opcode()) {
        case Nvme.IO_FLUSH -> {
          ns.backing().flush();
          yield Completion.OK;
        }
        case Nvme.IO_READ -> read(alloc, ns, sqe, s.health());
        case Nvme.IO_WRITE -> write(ns, sqe, data, s.health(), !c.features().volatileWriteCache());
        case Nvme.IO_WRITE_ZEROES -> writeZeroes(ns, sqe);
        case Nvme.IO_DSM -> dsm(ns, sqe, data);
        default -> Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_OPCODE);
      };
    } catch (IOException e) {
      s.health().mediaError();
      return Completion.retryable(Nvme.SCT_GENERIC, Nvme.SC_INTERNAL);
    }
  }

  private static boolean inRange(Namespace ns, long slba, long blocks) {
    return slba >= 0 && blocks <= ns.blocks() && slba <= ns.blocks() - blocks;
  }

  private static Completion read(ByteBufAllocator alloc, Namespace ns, Sqe sqe, HealthCounters health)
      throws IOException {
    long slba = sqe.u64(40);
    int blocks = (int) (sqe.cdw(12) & 0xffff) + 1;
    if (!inRange(ns, slba, blocks)) {
      return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_LBA_OUT_OF_RANGE);
    }
    int len = blocks * ns.blockSize();
    if (sqe.sglLength() != len) {
      return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_DATA_SGL_LENGTH_INVALID);
    }
    ByteBuf buf = alloc.buffer(len);
    try {
      ns.backing().read(slba * ns.blockSize(), buf, len);
    } catch (IOException | RuntimeException e) {
      buf.release();
      throw e;
    }
    health.read(len);
    return Completion.data(buf);
  }

  private static Completion write(Namespace ns, Sqe sqe, ByteBuf data, HealthCounters health, boolean writeThrough)
      throws IOException {
    long slba = sqe.u64(40);
    int blocks = (int) (sqe.cdw(12) & 0xffff) + 1;
    if (!inRange(ns, slba, blocks)) {
      return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_LBA_OUT_OF_RANGE);
    }
    if (data == null || data.readableBytes() != (long) blocks * ns.blockSize()) {
      return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_DATA_SGL_LENGTH_INVALID);
    }
    int len = data.readableBytes();
    ns.backing().write(slba * ns.blockSize(), data);
    if (writeThrough) {
      ns.backing().flush();
    }
    health.written(len);
    return Completion.OK;
  }

  private static Completion writeZeroes(Namespace ns, Sqe sqe) throws IOException {
    long slba = sqe.u64(40);
    long blocks = (sqe.cdw(12) & 0xffff) + 1;
    if (!inRange(ns, slba, blocks)) {
      return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_LBA_OUT_OF_RANGE);
    }
    ns.backing().zero(slba * ns.blockSize(), blocks * ns.blockSize(), (sqe.cdw(12) & (1L << 25)) != 0);
    return Completion.OK;
  }

  /** Dataset Management: only the AD attribute acts; other hints are advisory (NVM 3.2.3). */
  private static Completion dsm(Namespace ns, Sqe sqe, ByteBuf data) throws IOException {
    int ranges = (int) (sqe.cdw(10) & 0xff) + 1;
    if (data == null || data.readableBytes() < ranges * 16) {
      return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_DATA_SGL_LENGTH_INVALID);
    }
    if ((sqe.cdw(11) & (1 << 2)) == 0) {
      return Completion.OK;
    }
    for (int i = 0; i < ranges; i++) {
      int r = data.readerIndex() + i * 16;
      long blocks = data.getUnsignedIntLE(r + 4);
      long slba = data.getLongLE(r + 8);
      if (!inRange(ns, slba, blocks)) {
        return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_LBA_OUT_OF_RANGE);
      }
    }
    for (int i = 0; i < ranges; i++) {
      int r = data.readerIndex() + i * 16;
      ns.backing().zero(data.getLongLE(r + 8) * ns.blockSize(),
          data.getUnsignedIntLE(r + 4) * ns.blockSize(), true);
    }
    return Completion.OK;
  }
}
