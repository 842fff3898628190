package io.bmagent.card.soft.nvmetcp;

/** What the association learned from Connect, CAP and Identify Controller. */
public record ControllerInfo(int cntlid, String serial, String model, String firmware, int maxTransferBytes,
                             int inCapsuleBytes, int ioQueues, int queueDepth, boolean volatileWriteCache) {
}
