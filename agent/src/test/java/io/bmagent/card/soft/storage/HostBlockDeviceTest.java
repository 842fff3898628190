package io.bmagent.card.soft.storage;

import io.bmagent.card.soft.nvmetcp.NvmeTcpController;
import io.bmagent.card.soft.nvmetcp.NvmeTcpControllerConfig;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** Host block devices over the initiator and the lab target, on loopback sockets. */
@Timeout(120)
class HostBlockDeviceTest {
  static final String NQN = "nqn.2024-01.io.bmagent:devices";
  static final int BS = 4096;
  NvmeTcpTarget target;
  Subsystem subsystem;
  NvmeTcpController controller;
  ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void start() throws Exception {
    target = new NvmeTcpTarget(new TargetOptions().threads(1));
    subsystem = target.addSubsystem(NQN);
    subsystem.addMemoryNamespace(16L << 20, BS);
    subsystem.addMemoryNamespace(16L << 20, BS);
    target.start();
    controller = new NvmeTcpController(new NvmeTcpControllerConfig("127.0.0.1", target.port(), NQN,
        "nqn.2014-08.org.nvmexpress:uuid:devices-test").ioQueues(2).queueDepth(32));
    controller.connect().join();
  }

  @AfterEach
  void stop() throws Exception {
    controller.close();
    target.close();
    scheduler.shutdownNow();
  }

  HostBlockDevice device(int nsid, DeviceType type) {
    return new HostBlockDevice("vol-" + nsid + "-0123456789abcdef", type,
        new NvmeNamespaceBackend(controller, nsid), scheduler);
  }

  static ByteBuf block(int value) {
    ByteBuf b = Unpooled.buffer(BS);
    while (b.isWritable()) {
      b.writeInt(value);
    }
    return b;
  }

  @Test
  void geometryAndSerialComeFromTheVolume() {
    HostBlockDevice d = device(1, DeviceType.VIRTIO_BLK);
    assertEquals("vol-1-0123456789abcd", d.serial());
    assertEquals(BS, d.blockSize());
    assertEquals(16L << 20, d.capacityBytes());
    assertEquals(DeviceType.VIRTIO_BLK, d.type());
  }

  @Test
  void freezeHoldsWritesAndThawReleasesThem() {
    HostBlockDevice d = device(1, DeviceType.NVME);
    ByteBuf a = block(1);
    ByteBuf b = block(2);
    d.write(0, 1, a).join();
    d.freeze(Duration.ofMinutes(1)).join();
    assertTrue(d.frozen());
    CompletableFuture<Void> held = d.write(0, 1, b);
    assertFalse(held.isDone());
    assertEquals(1, d.queued());
    ByteBuf check = Unpooled.buffer(BS);
    subsystemRead(1, check);
    assertEquals(1, check.getInt(0), "a held write must not reach the volume");
    assertTrue(d.thaw());
    held.join();
    check.clear();
    subsystemRead(1, check);
    assertEquals(2, check.getInt(0));
    assertEquals(0, d.stats().autoThaws());
    a.release();
    b.release();
    check.release();
  }

  private void subsystemRead(int nsid, ByteBuf dst) {
    try {
      subsystem.namespace(nsid).backing().read(0, dst, BS);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void autoThawReleasesHeldIo() {
    HostBlockDevice d = device(1, DeviceType.NVME);
    d.freeze(Duration.ofMillis(100)).join();
    ByteBuf b = block(3);
    d.write(5, 1, b).join();
    assertFalse(d.frozen());
    assertEquals(1, d.stats().autoThaws());
    b.release();
  }

  /**
   * Device 2's write i is issued only after device 1's write i completed, so a consistent point
   * can never hold block i on device 2 without it on device 1.
   */
  @Test
  void twoDevicesFrozenGiveOneConsistentPoint() throws Exception {
    HostBlockDevice d1 = device(1, DeviceType.NVME);
    HostBlockDevice d2 = device(2, DeviceType.VIRTIO_BLK);
    int n = 400;
    AtomicBoolean frozenOnce = new AtomicBoolean();
    List<CompletableFuture<Void>> chains = new ArrayList<>();
    List<ByteBuf> buffers = new ArrayList<>();
    int snap1 = 0;
    int snap2 = 0;
    for (int i = 0; i < n; i++) {
      ByteBuf v = block(i + 1);
      buffers.add(v);
      int lba = i;
      chains.add(d1.write(lba, 1, v).thenCompose(x -> d2.write(lba, 1, v)));
      if (i == n / 2) {
        CompletableFuture.allOf(d1.freeze(Duration.ofMinutes(1)), d2.freeze(Duration.ofMinutes(1))).join();
        snap1 = subsystem.snapshot(1);
        snap2 = subsystem.snapshot(2);
        frozenOnce.set(true);
        d1.thaw();
        d2.thaw();
      }
    }
    CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertTrue(frozenOnce.get());
    ByteBuf s1 = Unpooled.buffer(n * BS);
    ByteBuf s2 = Unpooled.buffer(n * BS);
    subsystem.namespace(snap1).backing().read(0, s1, n * BS);
    subsystem.namespace(snap2).backing().read(0, s2, n * BS);
    int onBoth = 0;
    for (int i = 0; i < n; i++) {
      int v1 = s1.getInt(i * BS);
      int v2 = s2.getInt(i * BS);
      if (v2 != 0) {
        assertEquals(i + 1, v1, "block " + i + " is on device 2 but not on device 1");
        onBoth++;
      }
    }
    assertTrue(onBoth <= n / 2 + 1, "writes after the freeze point leaked into the snapshot");
    s1.release();
    s2.release();
    buffers.forEach(ByteBuf::release);
  }

  /** Token buckets let at most burst + rate * t through in t; assert the measured rate against that. */
  @Test
  void iopsLimitHoldsWithinTenPercent() {
    HostBlockDevice d = device(1, DeviceType.NVME);
    int limit = 200;
    int burst = 20;
    d.qos(new QosLimits(limit, 0, burst, 0));
    int ops = 120;
    List<CompletableFuture<Void>> all = new ArrayList<>();
    List<ByteBuf> buffers = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      ByteBuf dst = Unpooled.buffer(BS);
      buffers.add(dst);
      all.add(d.read(i, 1, dst));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = (ops - burst) / seconds;
    assertTrue(rate <= limit * 1.1, "rate " + rate + " above limit " + limit);
    assertEquals(ops, d.stats().reads());
    assertEquals(ops, d.stats().latencyMicros().getTotalCount());
    assertEquals(ops, d.stats().intervalLatencyMicros().getTotalCount());
    assertEquals(0, d.stats().intervalLatencyMicros().getTotalCount());
    buffers.forEach(ByteBuf::release);
  }

  @Test
  void bandwidthLimitHoldsWithinTenPercent() {
    HostBlockDevice d = device(2, DeviceType.NVME);
    long limit = 2L << 20;
    long burst = 256 << 10;
    d.qos(new QosLimits(0, limit, 0, burst));
    int ops = 20;
    int blocks = 16;
    ByteBuf src = Unpooled.buffer(blocks * BS).writeZero(blocks * BS);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      all.add(d.write((long) i * blocks, blocks, src));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = ((double) ops * blocks * BS - burst) / seconds;
    assertTrue(rate <= limit * 1.1, "rate " + rate + " above limit " + limit);
    assertEquals((long) ops * blocks * BS, d.stats().bytesWritten());
    src.release();
  }

  @Test
  void invalidRequestsFailAndCount() {
    HostBlockDevice d = device(1, DeviceType.NVME);
    CompletionException e = assertThrows(CompletionException.class,
        () -> d.discard((16L << 20) / BS, 1).join());
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertEquals(1, d.stats().errors());
    d.discard(0, 8).join();
    d.flush().join();
    assertEquals(1, d.stats().discards());
    assertEquals(1, d.stats().flushes());
  }
}
