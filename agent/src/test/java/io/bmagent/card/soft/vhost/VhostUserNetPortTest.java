package io.bmagent.card.soft.vhost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bmagent.card.soft.net.SoftPipeline;
import io.bmagent.card.soft.vhost.net.VhostUserNetPort;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames between the pipeline and a guest's virtio-net queues, laid out as Linux's driver does. */
class VhostUserNetPortTest {

  static final int HEADER = 12;

  @TempDir Path dir;

  @Test
  void theGuestsFramesReachThePipelineBehindItsHeadroom() throws Exception {
    byte[] frame = frame(1, 98);
    BlockingQueue<byte[]> received = new ArrayBlockingQueue<>(1);
    try (VhostUserNetPort port = new VhostUserNetPort(dir.resolve("nic.sock"))) {
      port.start((b, off, len) -> {
        assertEquals(SoftPipeline.HEADROOM, off, "room to encapsulate in place");
        received.add(Arrays.copyOfRange(b, off, off + len));
      });
      Driver driver = new Driver();
      long header = driver.alloc(HEADER);
      long data = driver.alloc(frame.length);
      driver.at(data, frame.length).put(frame);
      driver.desc(driver.ringTable(), 0, header, HEADER, Virtqueue.F_NEXT, 1);
      driver.desc(driver.ringTable(), 1, data, frame.length, 0, 0);
      driver.offer(0);
      driver.queue.poll(c -> port.handle(1, c));
      assertArrayEquals(frame, received.poll(5, TimeUnit.SECONDS));
      assertEquals(1, driver.usedIdx());
    }
  }

  @Test
  void framesForTheHostFillPostedBuffersAndAreDroppedWithoutOne() throws Exception {
    try (VhostUserNetPort port = new VhostUserNetPort(dir.resolve("nic.sock"))) {
      Driver driver = new Driver();
      port.started(0, driver.queue);
      byte[] frame = frame(2, 60);
      port.send(frame, 0, frame.length);
      assertEquals(1, port.rxDropped(), "no buffer posted yet");

      long buffer = driver.alloc(HEADER + 1518);
      driver.desc(driver.ringTable(), 0, buffer, HEADER + 1518, Virtqueue.F_WRITE, 0);
      driver.offer(0);
      port.send(frame, 0, frame.length);
      assertEquals(1, driver.usedIdx());
      assertEquals(HEADER + frame.length, driver.used(0)[1]);
      byte[] header = new byte[HEADER];
      driver.at(buffer, HEADER).get(header);
      assertEquals(1, header[10], "num_buffers: the frame is in one buffer");
      byte[] back = new byte[frame.length];
      driver.at(buffer + HEADER, frame.length).get(back);
      assertArrayEquals(frame, back);
      assertEquals(1, driver.interrupts.get());
    }
  }

  private static byte[] frame(int seed, int len) {
    byte[] f = new byte[len];
    new Random(seed).nextBytes(f);
    return f;
  }
}
