package io.bmagent.card.soft.vhost;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One request the driver made available: the buffers of a descriptor chain (virtio 1.1, 2.6.5), the
 * device-readable ones first, then the device-writable ones, as the spec requires of their order. The device
 * answers once with {@link #complete}, from any thread.
 */
public final class DescriptorChain {

  private final Virtqueue queue;
  private final int head;
  private final List<ByteBuffer> readable;
  private final List<ByteBuffer> writable;

  DescriptorChain(Virtqueue queue, int head, List<ByteBuffer> readable, List<ByteBuffer> writable) {
    this.queue = queue;
    this.head = head;
    this.readable = readable;
    this.writable = writable;
  }

  /** The head descriptor's index: how the driver names the request. */
  int head() {
    return head;
  }

  /** The device-readable buffers, little-endian views of guest memory. */
  public List<ByteBuffer> readable() {
    return readable;
  }

  /** The device-writable buffers, little-endian views of guest memory. */
  public List<ByteBuffer> writable() {
    return writable;
  }

  /** Returns the chain to the driver; {@code written} is how many bytes the device wrote into it (2.6.8). */
  public void complete(int written) {
    queue.complete(head, written);
  }
}
