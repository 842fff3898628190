package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;

/**
 * One command as it travels between the controller and its queues. The queue fills in the CID
 * and data pointer at each send, so the same command can be re-issued on a new connection.
 * Buffers are borrowed: the submitter keeps them alive until {@link #future} completes.
 */
final class NvmeCommand {
  final String what;
  final Sqe sqe;
  /** Host data (writes, DSM ranges, Connect data), read from its reader index on; may be null. */
  final ByteBuf out;
  /** Destination of controller data, written at {@code inBase}; may be null. */
  final ByteBuf in;
  final int inBase;
  final int inLength;
  /** Whether losing the connection should re-issue this command rather than fail it. */
  final boolean reissue;
  final CompletableFuture<Cqe> future = new CompletableFuture<>();
  int attempts;
  /** When the current send times out, by {@link System#nanoTime()}. */
  long deadline;
  /** Controller data bytes placed by the current send. */
  int received;
  /** Set when this send saw a transport error (bad data digest, missing data). */
  boolean transportError;
  /** The completion to report if the command runs out of attempts after transport errors. */
  Cqe lastError;

  NvmeCommand(String what, Sqe sqe, ByteBuf out, ByteBuf in, int inLength, boolean reissue) {
    this.what = what;
    this.sqe = sqe;
    this.out = out;
    this.in = in;
    this.inBase = in == null ? 0 : in.writerIndex();
    this.inLength = inLength;
    this.reissue = reissue;
  }

  int outLength() {
    return out == null ? 0 : out.readableBytes();
  }
}
