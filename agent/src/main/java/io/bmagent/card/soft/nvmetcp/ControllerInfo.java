package io.bmagent.card.soft.nvmetcp;

/**
 * What the association learned from ICResp, Connect, CAP and Identify Controller; {@code headerDigest} and
 * {@code dataDigest} are the digests the target agreed to in ICResp (NVMe/TCP 1.0, 3.6.2.2).
 */
public record ControllerInfo(int cntlid, String serial, String model, String firmware, int maxTransferBytes,
                             int inCapsuleBytes, int ioQueues, int queueDepth, boolean volatileWriteCache,
                             boolean headerDigest, boolean dataDigest) {
}
