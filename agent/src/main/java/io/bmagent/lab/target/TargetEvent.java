package io.bmagent.lab.target;

/**
 * Something a host did to the target, in the order the target saw it; tests use the sequence to
 * check a host's teardown (NVMe Base 2.0, 3.6.1) and what it asked for. {@code cntlid} and
 * {@code qid} are -1 where they are not known yet; {@code digests} is the ICReq DGST field.
 */
public record TargetEvent(Kind kind, int cntlid, int qid, int digests) {
  /** ICReq DGST bits (NVMe/TCP 1.0, 3.6.2.1): HDGST_ENABLE, DDGST_ENABLE. */
  public static final int HDGST = 1;
  public static final int DDGST = 2;

  public enum Kind {
    /** An ICReq arrived on a new connection, asking for the digests in {@code digests}. */
    IC_REQ,
    /** CC.SHN went from 00b to a shutdown request. */
    SHUTDOWN_REQUESTED,
    /** A Property Get of CSTS returned SHST 10b (shutdown complete) for the first time. */
    SHUTDOWN_COMPLETE_REPORTED,
    /** The connection of queue {@code qid} closed. */
    QUEUE_DISCONNECTED
  }
}
