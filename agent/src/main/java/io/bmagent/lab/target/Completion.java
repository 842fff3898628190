package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Cqe;
import io.netty.buffer.ByteBuf;

/** What executing a command produced: DW0, status and optional controller-to-host data. */
record Completion(long dw0, int status, ByteBuf data) {
  static final Completion OK = new Completion(0, 0, null);

  static Completion ok(long dw0) {
    return new Completion(dw0, 0, null);
  }

  static Completion data(ByteBuf data) {
    return new Completion(0, 0, data);
  }

  static Completion error(int sct, int sc) {
    return new Completion(0, Cqe.error(0, sct, sc, true).status(), null);
  }

  /** Errors worth retrying (internal, transient) leave DNR clear. */
  static Completion retryable(int sct, int sc) {
    return new Completion(0, Cqe.error(0, sct, sc, false).status(), null);
  }
}
