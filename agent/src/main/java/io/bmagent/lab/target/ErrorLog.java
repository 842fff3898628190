package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Nvme;
import io.bmagent.card.soft.nvmetcp.Sqe;
import io.netty.buffer.ByteBuf;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A controller's Error Information log (NVMe Base 2.0, 5.16.1.2): one entry per command that completed with an
 * error on any of its queues, the newest {@link #ENTRIES} kept, newest first in the log page.
 */
final class ErrorLog {
  /** Identify Controller ELPE is this minus one (0's based). */
  static final int ENTRIES = 64;
  static final int ENTRY_SIZE = 64;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private long count;

  private record Entry(long count, int sqid, int cid, int status, long lba, long nsid) {
  }

  /** {@code status} is the 15-bit status field shifted left by one, as in the CQE; the phase tag stays 0. */
  synchronized void record(int sqid, Sqe sqe, int status) {
    if (entries.size() == ENTRIES) {
      entries.removeLast();
    }
    entries.addFirst(new Entry(++count, sqid, sqe.cid(), status, lbaOf(sqid, sqe), sqe.nsid()));
  }

  /** The first LBA of the command where it names one: Read, Write and Write Zeroes carry SLBA in CDW10-11. */
  private static long lbaOf(int sqid, Sqe sqe) {
    boolean lbaCommand = sqid > 0 && (sqe.opcode() == Nvme.IO_READ || sqe.opcode() == Nvme.IO_WRITE
        || sqe.opcode() == Nvme.IO_WRITE_ZEROES);
    return lbaCommand ? sqe.u64(40) : 0;
  }

  /** Errors over the life of the controller, the SMART log's Number of Error Information Log Entries. */
  synchronized long count() {
    return count;
  }

  /** Writes entries in the layout of figure "Error Information Log Entry"; unused entries stay zero. */
  synchronized void write(ByteBuf page) {
    int off = 0;
    for (Entry e : entries) {
      page.setLongLE(off, e.count);           // 07:00 Error Count, never 0 for a valid entry
      page.setShortLE(off + 8, e.sqid);       // 09:08 Submission Queue ID
      page.setShortLE(off + 10, e.cid);       // 11:10 Command ID
      page.setShortLE(off + 12, e.status);    // 13:12 Status Field (15:1) and Phase Tag (0)
      page.setShortLE(off + 14, 0xFFFF);      // 15:14 Parameter Error Location: not specific
      page.setLongLE(off + 16, e.lba);        // 23:16 LBA
      page.setIntLE(off + 24, (int) e.nsid);  // 27:24 Namespace
      page.setByte(off + 29, Nvme.TRTYPE_TCP); // 29 Transport Type
      off += ENTRY_SIZE;
    }
  }
}
