package io.bmagent.card.soft.vhost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.soft.nvmetcp.NvmeTcpController;
import io.bmagent.card.soft.nvmetcp.NvmeTcpControllerConfig;
import io.bmagent.card.soft.storage.DeviceType;
import io.bmagent.card.soft.storage.HostBlockDevice;
import io.bmagent.card.soft.storage.NvmeNamespaceBackend;
import io.bmagent.card.soft.vhost.blk.VhostUserBlk;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * virtio-blk requests as a Linux driver lays them out (header, data, status in separate descriptors; indirect
 * tables), served from guest memory by {@link VhostUserBlk} to a volume on the lab NVMe/TCP target.
 */
@Timeout(60)
class VhostUserBlkTest {

  static final String NQN = "nqn.2026-11.io.bmagent:vhost-blk";
  static final int BS = 4096;
  static final int IN = 0;
  static final int OUT = 1;
  static final int FLUSH = 4;
  static final int GET_ID = 8;
  static final int DISCARD = 11;
  static final int WRITE_ZEROES = 13;
  NvmeTcpTarget target;
  NvmeTcpController controller;
  ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  HostBlockDevice disk;
  VhostUserBlk blk;
  Driver driver = new Driver();
  int requests;

  @BeforeEach
  void start() throws Exception {
    target = new NvmeTcpTarget(new TargetOptions().threads(1));
    Subsystem subsystem = target.addSubsystem(NQN);
    subsystem.addMemoryNamespace(16L << 20, BS);
    target.start();
    controller = new NvmeTcpController(new NvmeTcpControllerConfig("127.0.0.1", target.port(), NQN,
        "nqn.2014-08.org.nvmexpress:uuid:vhost-blk-test").ioQueues(1).queueDepth(32));
    controller.connect().join();
    disk = new HostBlockDevice("vol-0123456789abcdef", DeviceType.VIRTIO_BLK,
        new NvmeNamespaceBackend(controller, 1), scheduler);
    blk = new VhostUserBlk(disk, 2);
  }

  @AfterEach
  void stop() throws Exception {
    controller.close();
    target.close();
    scheduler.shutdownNow();
  }

  @Test
  void writesAndReadsThroughChainedAndIndirectDescriptors() throws Exception {
    byte[] data = new byte[3 * BS];
    new Random(1).nextBytes(data);
    assertEquals(0, request(OUT, 8 * 5, data, null, false));
    byte[] back = new byte[data.length];
    assertEquals(0, request(IN, 8 * 5, null, back, true));
    assertArrayEquals(data, back);
    assertEquals(data.length + 1, driver.used(requests - 1)[1], "used length: data read plus the status byte");
    assertEquals(3, disk.stats().bytesWritten() / BS);
  }

  @Test
  void answersTheVolumeIdAndFlushes() throws Exception {
    byte[] id = new byte[20];
    assertEquals(0, request(GET_ID, 0, null, id, false));
    assertEquals("vol-0123456789abcdef", new String(id, StandardCharsets.US_ASCII));
    assertEquals(0, request(FLUSH, 0, null, null, false));
  }

  @Test
  void writeZeroesClearsBlocks() throws Exception {
    byte[] ones = new byte[BS];
    Arrays.fill(ones, (byte) 1);
    request(OUT, 8, ones, null, false);
    ByteBuffer range = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(8).putInt(8).putInt(0);
    assertEquals(0, request(WRITE_ZEROES, 0, range.array(), null, false));
    byte[] back = new byte[BS];
    request(IN, 8, null, back, false);
    assertArrayEquals(new byte[BS], back);
  }

  @Test
  void discardReachesTheVolume() throws Exception {
    ByteBuffer range = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(16).putInt(16).putInt(0);
    assertEquals(0, request(DISCARD, 0, range.array(), null, false));
    assertEquals(1, disk.stats().discards());
  }

  /** A snapshot's freeze holds the guest's writes as it holds any host I/O, and the thaw lets them through. */
  @Test
  void aFrozenVolumeHoldsTheGuestsWritesUntilThawed() throws Exception {
    disk.freeze(Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS);
    byte[] data = new byte[BS];
    Arrays.fill(data, (byte) 7);
    Pending write = submit(OUT, 16, data, null, false);
    Thread.sleep(300);
    assertEquals(requests - 1, driver.usedIdx(), "no completion while frozen");
    assertEquals(0, disk.stats().writes());
    assertTrue(disk.thaw());
    assertEquals(0, complete(write));
    assertEquals(1, disk.stats().writes());
  }

  @Test
  void refusesPartialBlocksAndUnknownTypes() throws Exception {
    assertEquals(1, request(IN, 1, null, new byte[BS], false), "IOERR: not a whole 4096-byte block");
    assertEquals(2, request(99, 0, null, null, false), "UNSUPP");
  }

  @Test
  void offersTheConfigurationSpaceOfTheVolume() {
    ByteBuffer config = ByteBuffer.wrap(blk.config()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals((16L << 20) / 512, config.getLong(0), "capacity in 512-byte sectors");
    assertEquals(BS, config.getInt(20), "blk_size");
    assertEquals(2, config.getShort(34), "num_queues");
    assertTrue((blk.features() & (1L << 12)) != 0, "VIRTIO_BLK_F_MQ");
  }

  @Test
  void aDescriptorLoopStopsTheRing() {
    long header = driver.alloc(16);
    driver.desc(driver.ringTable(), 0, header, 16, Virtqueue.F_NEXT, 1);
    driver.desc(driver.ringTable(), 1, header, 16, Virtqueue.F_NEXT, 0);
    driver.offer(0);
    assertThrows(VirtqueueException.class, () -> driver.queue.poll(c -> blk.handle(0, c)));
  }

  /**
   * One request: header, the data split in one descriptor per block, the status byte; in the ring's table or an
   * indirect one. Returns the status.
   */
  private int request(int type, long sector, byte[] out, byte[] in, boolean indirect) throws Exception {
    return complete(submit(type, sector, out, in, indirect));
  }

  /** A request offered to the ring and polled, not yet waited for. */
  private record Pending(int head, long status, long data, byte[] in) {}

  private Pending submit(int type, long sector, byte[] out, byte[] in, boolean indirect) {
    long header = driver.alloc(16);
    driver.at(header, 16).putInt(type).putInt(0).putLong(sector);
    long status = driver.alloc(1);
    driver.at(status, 1).put((byte) 0xff);
    byte[] payload = out != null ? out : in;
    int pieces = payload == null ? 0 : Math.max(1, payload.length / BS);
    int piece = payload == null ? 0 : payload.length / pieces;
    long data = payload == null ? 0 : driver.alloc(payload.length);
    if (out != null) {
      driver.at(data, out.length).put(out);
    }
    long table = indirect ? driver.alloc(16 * (pieces + 2)) : driver.ringTable();
    int base = indirect ? 0 : (requests * 8) % Driver.SIZE;
    driver.desc(table, base, header, 16, Virtqueue.F_NEXT, base + 1);
    for (int i = 0; i < pieces; i++) {
      driver.desc(table, base + 1 + i, data + (long) i * piece, piece,
          Virtqueue.F_NEXT | (in != null ? Virtqueue.F_WRITE : 0), base + 2 + i);
    }
    driver.desc(table, base + 1 + pieces, status, 1, Virtqueue.F_WRITE, 0);
    if (indirect) {
      base = (requests * 8) % Driver.SIZE;
      driver.desc(driver.ringTable(), base, table, 16 * (pieces + 2), Virtqueue.F_INDIRECT, 0);
    }
    driver.offer(base);
    requests++;
    driver.queue.poll(c -> blk.handle(0, c));
    return new Pending(base, status, data, in);
  }

  /** Waits for the request's completion (requests complete in order here) and returns its status. */
  private int complete(Pending p) throws InterruptedException {
    driver.awaitUsed(requests);
    assertEquals(p.head(), driver.used(requests - 1)[0], "the used element names the chain's head");
    if (p.in() != null) {
      driver.at(p.data(), p.in().length).get(p.in());
    }
    return driver.at(p.status(), 1).get();
  }
}
