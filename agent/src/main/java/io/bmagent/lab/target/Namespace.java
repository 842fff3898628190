package io.bmagent.lab.target;

import java.nio.ByteBuffer;
import java.util.UUID;

/** One namespace of a subsystem: an NSID, a block size and a {@link Backing}; NGUID identifies it. */
public final class Namespace {
  private final int nsid;
  private final int blockSize;
  private final Backing backing;
  private final byte[] nguid;

  Namespace(int nsid, int blockSize, Backing backing) {
    if (Integer.bitCount(blockSize) != 1 || blockSize < 512) {
      throw new IllegalArgumentException("block size must be a power of two >= 512: " + blockSize);
    }
    if (backing.size() % blockSize != 0) {
      throw new IllegalArgumentException("size " + backing.size() + " is not a multiple of " + blockSize);
    }
    this.nsid = nsid;
    this.blockSize = blockSize;
    this.backing = backing;
    UUID id = UUID.randomUUID();
    this.nguid = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits()).array();
  }

  public int nsid() {
    return nsid;
  }

  public int blockSize() {
    return blockSize;
  }

  public long blocks() {
    return backing.size() / blockSize;
  }

  public Backing backing() {
    return backing;
  }

  /** Namespace Globally Unique Identifier, reported in Identify Namespace and descriptors. */
  public byte[] nguid() {
    return nguid.clone();
  }
}
