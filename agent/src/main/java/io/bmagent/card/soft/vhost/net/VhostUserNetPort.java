package io.bmagent.card.soft.vhost.net;

import io.bmagent.card.soft.net.FrameSink;
import io.bmagent.card.soft.net.HostPort;
import io.bmagent.card.soft.net.SoftPipeline;
import io.bmagent.card.soft.vhost.DescriptorChain;
import io.bmagent.card.soft.vhost.VhostUserDevice;
import io.bmagent.card.soft.vhost.VhostUserServer;
import io.bmagent.card.soft.vhost.Virtqueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The host port as a virtio-net device served over vhost-user on {@code path}. One queue pair: receiveq1 (0)
 * and transmitq1 (1). No offloads are offered, so every frame is whole and carries a bare 12-byte
 * {@code virtio_net_hdr} (5.1.6: with VIRTIO_F_VERSION_1 the header always has num_buffers). The MAC is QEMU's
 * ({@code virtio-net-pci,mac=}), which must be the NIC's.
 */
public final class VhostUserNetPort implements HostPort, VhostUserDevice {

  static final int RX = 0;
  static final int TX = 1;
  static final int HEADER = 12;
  private static final int RING_INDIRECT_DESC = 28;
  private static final int MAX_FRAME = 65_535 + 18;
  private final VhostUserServer server;
  private final LongAdder rxDropped = new LongAdder();
  private volatile FrameSink receiver;
  private Virtqueue rx;

  public VhostUserNetPort(Path path) {
    try {
      this.server = new VhostUserServer(path, this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve vhost-user-net on " + path, e);
    }
  }

  public Path path() {
    return server.path();
  }

  /** Frames for the host dropped because the guest had posted no receive buffer (or the device was down). */
  public long rxDropped() {
    return rxDropped.sum();
  }

  @Override
  public long features() {
    return 1L << RING_INDIRECT_DESC;
  }

  @Override
  public int maxQueues() {
    return 2;
  }

  /** QEMU's virtio-net keeps its own configuration space (MAC, status); nothing is asked of the back-end. */
  @Override
  public byte[] config() {
    return new byte[0];
  }

  @Override
  public boolean receives(int queue) {
    return queue == RX;
  }

  @Override
  public synchronized void started(int queue, Virtqueue q) {
    rx = q;
  }

  @Override
  public void start(FrameSink r) {
    receiver = r;
  }

  /** transmitq: the guest's frame, behind the pipeline's headroom so it can encapsulate in place. */
  @Override
  public void handle(int queue, DescriptorChain chain) {
    int len = 0;
    for (ByteBuffer b : chain.readable()) {
      len += b.remaining();
    }
    FrameSink r = receiver;
    if (queue != TX || len <= HEADER || len - HEADER > MAX_FRAME || r == null) {
      chain.complete(0);
      return;
    }
    byte[] frame = new byte[SoftPipeline.HEADROOM + len - HEADER];
    int skip = HEADER;
    int at = SoftPipeline.HEADROOM;
    for (ByteBuffer b : chain.readable()) {
      int n = b.remaining();
      int from = Math.min(skip, n);
      b.get(from, frame, at, n - from);
      at += n - from;
      skip -= from;
    }
    chain.complete(0);
    r.send(frame, SoftPipeline.HEADROOM, len - HEADER);
  }

  /** receiveq: the frame goes into the next buffer the guest posted, after a header saying "one buffer, no offload". */
  @Override
  public synchronized void send(byte[] frame, int offset, int length) {
    DescriptorChain chain = rx == null ? null : rx.take();
    if (chain == null) {
      rxDropped.increment();
      return;
    }
    List<ByteBuffer> out = chain.writable();
    long room = 0;
    for (ByteBuffer b : out) {
      room += b.remaining();
    }
    if (room < HEADER + length) {
      rxDropped.increment();
      chain.complete(0);
      return;
    }
    byte[] header = new byte[HEADER];
    header[10] = 1;
    int written = copy(out, 0, header, 0, HEADER);
    written += copy(out, HEADER, frame, offset, length);
    chain.complete(written);
  }

  /** Copies {@code len} bytes into the buffers' stream at {@code at}; returns {@code len}. */
  private static int copy(List<ByteBuffer> out, int at, byte[] src, int offset, int len) {
    int done = 0;
    for (ByteBuffer b : out) {
      int n = b.remaining();
      if (at >= n) {
        at -= n;
        continue;
      }
      int k = Math.min(n - at, len - done);
      b.put(at, src, offset + done, k);
      done += k;
      at = 0;
      if (done == len) {
        break;
      }
    }
    return done;
  }

  @Override
  public void close() {
    receiver = null;
    try {
      server.close();
    } catch (IOException e) {
      // The socket file may already be gone; the server has stopped either way.
    }
  }
}
