package io.bmagent.card.soft.net;

import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A host port in memory: frames the test "host" injects go to the pipeline on the caller's thread, and frames
 * delivered to the host wait in a queue.
 */
public final class MemoryHostPort implements HostPort {

  private final BlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();
  private volatile FrameSink receiver;

  @Override
  public void start(FrameSink r) {
    receiver = r;
  }

  /** The host sends a frame: copied behind {@link SoftPipeline#HEADROOM} and processed at once. */
  public void inject(byte[] frame) {
    byte[] b = new byte[SoftPipeline.HEADROOM + frame.length];
    System.arraycopy(frame, 0, b, SoftPipeline.HEADROOM, frame.length);
    receiver.send(b, SoftPipeline.HEADROOM, frame.length);
  }

  @Override
  public void send(byte[] frame, int offset, int length) {
    delivered.add(Arrays.copyOfRange(frame, offset, offset + length));
  }

  /** The next frame delivered to the host, or null. */
  public byte[] poll() {
    return delivered.poll();
  }

  @Override
  public void close() {
    receiver = null;
  }
}
