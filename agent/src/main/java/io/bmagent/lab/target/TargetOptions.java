package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Polling;
import java.nio.file.Path;

/** Tunables of the lab target; the defaults suit a Linux host and the soft card's initiator. */
public final class TargetOptions {
  static final int DEFAULT_THREADS = 2;

  int port;
  int threads = DEFAULT_THREADS;
  Polling polling = Polling.SLEEP;
  int maxH2cData = 128 * 1024;
  int inCapsuleDataSize = 8192;
  int mdts = 8;
  int maxIoQueues = 16;
  int c2hChunk = 128 * 1024;
  boolean digestsAllowed = true;
  long shutdownMillis;
  Path dataDir;

  /** TCP port; 0 picks an ephemeral one at the first start, kept across restarts. */
  public TargetOptions port(int port) {
    this.port = port;
    return this;
  }

  public TargetOptions threads(int threads) {
    this.threads = threads;
    return this;
  }

  /**
   * How the event loops wait, {@link Polling#SLEEP} by default. {@link Polling#BUSY}, as SPDK's nvmf_tgt polls its
   * queue pairs, is for measuring an initiator against a target on a core of its own, so the figure is the
   * initiator's and not the target's wake-ups.
   */
  public TargetOptions polling(Polling polling) {
    this.polling = polling;
    return this;
  }

  /** MAXH2CDATA announced in ICResp (NVMe/TCP 3.6.2.3); at least 4096. */
  public TargetOptions maxH2cData(int bytes) {
    if (bytes < 4096 || bytes % 4 != 0) {
      throw new IllegalArgumentException("MAXH2CDATA must be a multiple of 4 and >= 4096: " + bytes);
    }
    this.maxH2cData = bytes;
    return this;
  }

  /** In-capsule data accepted on I/O queues; IOCCSZ reports it plus the 64-byte SQE. */
  public TargetOptions inCapsuleDataSize(int bytes) {
    this.inCapsuleDataSize = bytes;
    return this;
  }

  /** Maximum data transfer size as a power of two of 4 KiB pages (Identify Controller MDTS). */
  public TargetOptions mdts(int mdts) {
    this.mdts = mdts;
    return this;
  }

  public TargetOptions maxIoQueues(int queues) {
    this.maxIoQueues = queues;
    return this;
  }

  /** Largest data section of one C2HData PDU we send. */
  public TargetOptions c2hChunk(int bytes) {
    this.c2hChunk = bytes;
    return this;
  }

  public TargetOptions digestsAllowed(boolean allowed) {
    this.digestsAllowed = allowed;
    return this;
  }

  /**
   * How long shutdown processing takes after CC.SHN is set: CSTS.SHST reads 01b (occurring) for
   * this long, then 10b (complete). Negative: it never completes, like a controller that hangs.
   */
  public TargetOptions shutdownMillis(long ms) {
    this.shutdownMillis = ms;
    return this;
  }

  /** Directory for clones of image files; without one, clones live in memory. */
  public TargetOptions dataDir(Path dir) {
    this.dataDir = dir;
    return this;
  }

  int maxTransferBytes() {
    return 4096 << mdts;
  }
}
