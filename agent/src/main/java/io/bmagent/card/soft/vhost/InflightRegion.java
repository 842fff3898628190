package io.bmagent.card.soft.vhost;

import io.bmagent.card.soft.vhost.sys.MappedRegion;
import java.io.IOException;

/**
 * The inflight tracking memory of SET_INFLIGHT_FD (vhost-user.rst, "Inflight I/O tracking"): one region per queue,
 * one after the other. The front-end holds the memory across back-end restarts; this process only maps it.
 */
final class InflightRegion implements AutoCloseable {

  private final MappedRegion mapping;
  private final int queues;
  private final int queueSize;

  private InflightRegion(MappedRegion mapping, int queues, int queueSize) {
    this.mapping = mapping;
    this.queues = queues;
    this.queueSize = queueSize;
  }

  static long bytes(int queues, int queueSize) {
    return queues * InflightQueue.bytes(queueSize);
  }

  /** Maps {@code size} bytes at {@code offset} of {@code fd}, which the caller still closes. */
  static InflightRegion map(int fd, long offset, long size, int queues, int queueSize) throws IOException {
    if (queues < 1 || queueSize < 1 || size < bytes(queues, queueSize) || size > MappedRegion.WINDOW) {
      throw new IllegalArgumentException("inflight region of " + size + " bytes cannot track " + queues
          + " queues of " + queueSize);
    }
    return new InflightRegion(new MappedRegion(fd, offset, size), queues, queueSize);
  }

  /** Queue {@code index}'s record, for a ring of {@code ringSize} entries. */
  InflightQueue queue(int index, int ringSize) {
    if (index >= queues || ringSize != queueSize) {
      throw new VirtqueueException("inflight region tracks " + queues + " queues of " + queueSize
          + ", not queue " + index + " of " + ringSize);
    }
    long per = InflightQueue.bytes(queueSize);
    return new InflightQueue(mapping.window(0).slice((int) (index * per), (int) per)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN), queueSize);
  }

  @Override
  public void close() {
    mapping.close();
  }
}
