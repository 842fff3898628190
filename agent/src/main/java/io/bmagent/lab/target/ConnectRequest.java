package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Nvme;
import io.bmagent.card.soft.nvmetcp.Sqe;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The parsed Connect command and data (NVMe-oF 1.1, Figures 19-20), or why it is invalid. */
record ConnectRequest(int qid, int sqSize, long kato, boolean sqFlowControlDisabled, UUID hostId, int cntlid,
    String subNqn, String hostNqn, Completion error) {

  static ConnectRequest parse(Sqe sqe, ByteBuf data) {
    if (sqe.u16(40) != 0) {
      return failed(Completion.error(Nvme.SCT_COMMAND_SPECIFIC, Nvme.SC_CONNECT_INCOMPATIBLE_FORMAT));
    }
    int qid = sqe.u16(42);
    int sqSize = sqe.u16(44);
    if (sqSize < 1 || sqSize > (TargetController.CAP & 0xffff)) {
      return failed(invalid(false, 44));
    }
    if (data == null || data.readableBytes() < Nvme.CONNECT_DATA_SIZE) {
      return failed(Completion.error(Nvme.SCT_GENERIC, Nvme.SC_DATA_SGL_LENGTH_INVALID));
    }
    int d = data.readerIndex();
    UUID hostId = new UUID(data.getLong(d), data.getLong(d + 8));
    // CATTR bit 2: the host asks to disable SQ flow control (NVMe-oF 1.1, Figure 19).
    return new ConnectRequest(qid, sqSize, sqe.u32(48), (sqe.u8(46) & 4) != 0, hostId, data.getUnsignedShortLE(d + 16),
        nqn(data, d + 256), nqn(data, d + 512), null);
  }

  private static ConnectRequest failed(Completion error) {
    return new ConnectRequest(0, 0, 0, false, null, 0, null, null, error);
  }

  private static String nqn(ByteBuf data, int off) {
    int end = off;
    while (end < off + 256 && data.getByte(end) != 0) {
      end++;
    }
    return data.toString(off, end - off, StandardCharsets.UTF_8);
  }

  /**
   * Connect Invalid Parameters with IATTR (bit 0 of DW0: 1 = in the data, 0 = in the SQE) and
   * IPO, the byte offset of the bad field, in DW0 bits 31:16 (NVMe-oF 1.1, Figure 21).
   */
  static Completion invalid(boolean inData, int offset) {
    Completion e = Completion.error(Nvme.SCT_COMMAND_SPECIFIC, Nvme.SC_CONNECT_INVALID_PARAMETERS);
    return new Completion(((long) offset << 16) | (inData ? 1 : 0), e.status(), null);
  }
}
