package io.bmagent.lab.target;

/**
 * Something a host did to one of the target's controllers, in the order the target saw it; tests
 * use the sequence to check a host's teardown (NVMe Base 2.0, 3.6.1).
 */
public record TargetEvent(Kind kind, int cntlid, int qid) {
  public enum Kind {
    /** CC.SHN went from 00b to a shutdown request. */
    SHUTDOWN_REQUESTED,
    /** A Property Get of CSTS returned SHST 10b (shutdown complete) for the first time. */
    SHUTDOWN_COMPLETE_REPORTED,
    /** The connection of queue {@code qid} closed. */
    QUEUE_DISCONNECTED
  }
}
