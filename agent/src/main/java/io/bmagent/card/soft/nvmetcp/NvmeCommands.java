package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Builders for the submission queue entries the initiator sends. The data pointer is left for the
 * queue to fill, because in-capsule versus transport SGL depends on that queue's IOCCSZ.
 */
public final class NvmeCommands {
  private NvmeCommands() {
  }

  private static Sqe fabrics(int fctype) {
    return new Sqe().u8(0, Nvme.FABRICS).u8(1, Sqe.FLAG_PSDT_SGL).u8(4, fctype);
  }

  /** Connect (NVMe-oF 1.1, 3.3.1): QID at byte 42, 0's based SQSIZE at 44, KATO (ms) at 48. */
  public static Sqe connect(int qid, int queueDepth, long katoMillis) {
    return fabrics(Nvme.FCTYPE_CONNECT).u16(42, qid).u16(44, queueDepth - 1).u32(48, qid == 0 ? katoMillis : 0);
  }

  /**
   * Connect data (NVMe-oF 1.1, Figure 20): HOSTID, CNTLID (FFFFh asks for any controller in the
   * dynamic model, I/O queues name the admin queue's), SUBNQN at 256 and HOSTNQN at 512.
   */
  public static ByteBuf connectData(ByteBufAllocator alloc, UUID hostId, int cntlid, String subNqn, String hostNqn) {
    ByteBuf b = alloc.buffer(Nvme.CONNECT_DATA_SIZE).writeZero(Nvme.CONNECT_DATA_SIZE);
    b.setLong(0, hostId.getMostSignificantBits()).setLong(8, hostId.getLeastSignificantBits());
    b.setShortLE(16, cntlid);
    b.setBytes(256, nqn(subNqn));
    b.setBytes(512, nqn(hostNqn));
    return b;
  }

  private static byte[] nqn(String nqn) {
    byte[] bytes = nqn.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 223) {
      throw new IllegalArgumentException("NQN longer than 223 bytes: " + nqn);
    }
    return bytes;
  }

  /** Property Get (NVMe-oF 1.1, 3.3.4): ATTRIB size 1 = 8 bytes, OFST at byte 44. */
  public static Sqe propertyGet(int offset, boolean eightBytes) {
    return fabrics(Nvme.FCTYPE_PROPERTY_GET).u8(40, eightBytes ? 1 : 0).u32(44, offset);
  }

  /** Property Set (NVMe-oF 1.1, 3.3.5): VALUE at byte 48. */
  public static Sqe propertySet(int offset, long value, boolean eightBytes) {
    return fabrics(Nvme.FCTYPE_PROPERTY_SET).u8(40, eightBytes ? 1 : 0).u32(44, offset).u64(48, value);
  }

  private static Sqe command(int opcode, long nsid) {
    return new Sqe().u8(0, opcode).u8(1, Sqe.FLAG_PSDT_SGL).u32(4, nsid);
  }

  public static Sqe identify(int cns, long nsid) {
    return command(Nvme.ADMIN_IDENTIFY, nsid).cdw(10, cns);
  }

  /** Set Features, Number of Queues (FID 07h): 0's based NSQR and NCQR in CDW11. */
  public static Sqe setNumberOfQueues(int ioQueues) {
    int n = ioQueues - 1;
    return command(Nvme.ADMIN_SET_FEATURES, 0).cdw(10, Nvme.FID_NUMBER_OF_QUEUES).cdw(11, ((long) n << 16) | n);
  }

  /** Get Features: FID in CDW10 bits 7:0, SEL in bits 10:8 (NVMe Base 2.0, 5.15). */
  public static Sqe getFeatures(int fid, int sel, long cdw11, long nsid) {
    return command(Nvme.ADMIN_GET_FEATURES, nsid).cdw(10, fid | (sel << 8)).cdw(11, cdw11);
  }

  /** Set Features without saving (SV, CDW10 bit 31, clear) (NVMe Base 2.0, 5.27). */
  public static Sqe setFeatures(int fid, long cdw11, long nsid) {
    return command(Nvme.ADMIN_SET_FEATURES, nsid).cdw(10, fid).cdw(11, cdw11);
  }

  /**
   * Get Log Page of {@code bytes} (a multiple of 4) from byte {@code offset}: NUMDL/NUMDU, 0's based dwords, in
   * CDW10 bits 31:16 and CDW11 bits 15:0, LPOL/LPOU in CDW12/13, RAE in CDW10 bit 15 (NVMe Base 2.0, 5.16).
   */
  public static Sqe getLogPage(int lid, long nsid, int bytes, long offset, boolean retainEvent) {
    long numd = bytes / 4 - 1;
    return command(Nvme.ADMIN_GET_LOG_PAGE, nsid).cdw(10, lid | (retainEvent ? 1 << 15 : 0) | (numd & 0xffff) << 16)
        .cdw(11, numd >>> 16).cdw(12, offset & 0xffffffffL).cdw(13, offset >>> 32);
  }

  public static Sqe asyncEventRequest() {
    return command(Nvme.ADMIN_ASYNC_EVENT, 0);
  }

  public static Sqe keepAlive() {
    return command(Nvme.ADMIN_KEEP_ALIVE, 0);
  }

  /** Read/Write: SLBA in CDW10-11, 0's based NLB in CDW12 (NVM Command Set 1.0, 3.2.4, 3.2.6). */
  public static Sqe read(long nsid, long lba, int blocks) {
    return rw(Nvme.IO_READ, nsid, lba, blocks);
  }

  public static Sqe write(long nsid, long lba, int blocks) {
    return rw(Nvme.IO_WRITE, nsid, lba, blocks);
  }

  private static Sqe rw(int opcode, long nsid, long lba, int blocks) {
    if (blocks < 1 || blocks > 65536) {
      throw new IllegalArgumentException("blocks must be 1..65536: " + blocks);
    }
    return command(opcode, nsid).u64(40, lba).cdw(12, blocks - 1);
  }

  public static Sqe flush(long nsid) {
    return command(Nvme.IO_FLUSH, nsid);
  }

  /** Write Zeroes; DEAC (CDW12 bit 25) lets the controller deallocate instead of writing. */
  public static Sqe writeZeroes(long nsid, long lba, int blocks, boolean deallocate) {
    return rw(Nvme.IO_WRITE_ZEROES, nsid, lba, blocks).cdw(12, (blocks - 1) | (deallocate ? 1L << 25 : 0));
  }

  /** Dataset Management with AD (CDW11 bit 2) over one range; see {@link #dsmRange}. */
  public static Sqe deallocate(long nsid) {
    return command(Nvme.IO_DSM, nsid).cdw(10, 0).cdw(11, 1 << 2);
  }

  /** One 16-byte DSM range: context attributes, length in blocks, starting LBA (NVM 3.2.3). */
  public static ByteBuf dsmRange(ByteBufAllocator alloc, long lba, long blocks) {
    return alloc.buffer(16).writeIntLE(0).writeIntLE((int) blocks).writeLongLE(lba);
  }
}
