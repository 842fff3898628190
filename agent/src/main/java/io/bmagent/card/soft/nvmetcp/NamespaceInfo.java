package io.bmagent.card.soft.nvmetcp;

/** What Identify Namespace told us: size in blocks, block size and NGUID. */
public record NamespaceInfo(int nsid, long blocks, int blockSize, byte[] nguid) {
  public long capacityBytes() {
    return blocks * blockSize;
  }
}
