package io.bmagent.card.soft.nvmetcp;

import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The initiator against the lab target over loopback sockets. */
@Timeout(120)
class NvmeTcpControllerTest {
  static final String NQN = "nqn.2024-01.io.bmagent:vol-test";
  static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:soft-card";
  static final int BS = 4096;
  final List<AutoCloseable> closeables = new ArrayList<>();
  NvmeTcpTarget target;
  Subsystem subsystem;

  @TempDir
  Path dir;

  NvmeTcpTarget target(TargetOptions options) throws Exception {
    target = new NvmeTcpTarget(options.maxH2cData(16384).inCapsuleDataSize(4096).mdts(6));
    subsystem = target.addSubsystem(NQN);
    subsystem.addMemoryNamespace(64L << 20, BS);
    target.start();
    closeables.add(0, target);
    return target;
  }

  NvmeTcpControllerConfig config() {
    return new NvmeTcpControllerConfig("127.0.0.1", target.port(), NQN, HOST).ioQueues(2).queueDepth(16)
        .keepAliveTimeoutMillis(2000).commandTimeoutMillis(10_000).reconnectDelayMillis(20, 200);
  }

  NvmeTcpController controller(NvmeTcpControllerConfig config) {
    NvmeTcpController c = new NvmeTcpController(config);
    closeables.add(0, c);
    c.connect().join();
    return c;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  static ByteBuf pattern(int blocks, int seed) {
    ByteBuf b = Unpooled.buffer(blocks * BS);
    for (int i = 0; i < blocks * BS / 4; i++) {
      b.writeInt(seed * 31 + i);
    }
    return b;
  }

  static void assertPattern(ByteBuf b, int blocks, int seed) {
    for (int i = 0; i < blocks * BS / 4; i++) {
      if (b.getInt(b.readerIndex() + i * 4) != seed * 31 + i) {
        fail("seed " + seed + " differs at int " + i);
      }
    }
  }

  void writeAndReadBack(NvmeTcpController writer, NvmeTcpController reader) {
    int[][] cases = {{0, 1}, {10, 3}, {100, 64}, {1000, 700}}; // in-capsule, R2T, above MDTS (256 KiB)
    for (int[] c : cases) {
      ByteBuf src = pattern(c[1], c[0]);
      writer.write(1, c[0], c[1], src).join();
      src.release();
    }
    for (int[] c : cases) {
      ByteBuf dst = Unpooled.buffer();
      reader.read(1, c[0], c[1], dst).join();
      assertEquals(c[1] * BS, dst.readableBytes());
      assertPattern(dst, c[1], c[0]);
      dst.release();
    }
  }

  @Test
  void dataWrittenIsReadBackThroughASecondController() throws Exception {
    target(new TargetOptions());
    NvmeTcpController a = controller(config());
    NvmeTcpController b = controller(config());
    assertEquals(PathState.CONNECTED, a.state());
    assertEquals(2, a.info().ioQueues());
    assertEquals(4096, a.info().inCapsuleBytes());
    assertEquals((64L << 20) / BS, a.namespace(1).blocks());
    assertNotEquals(a.info().cntlid(), b.info().cntlid());
    writeAndReadBack(a, b);

    a.writeZeroes(1, 100, 2).join();
    a.deallocate(1, 102, 2).join();
    a.flush(1).join();
    ByteBuf dst = Unpooled.buffer();
    b.read(1, 100, 5, dst).join();
    for (int i = 0; i < 4 * BS; i++) {
      assertEquals(0, dst.getByte(i));
    }
    ByteBuf rest = dst.slice(4 * BS, BS);
    assertEquals(100 * 31 + 4 * BS / 4, rest.getInt(0), "block 104 keeps the pattern written at 100");
    dst.release();
    assertEquals(0, a.counters().failed());
  }

  @Test
  void digestsOnBothSides() throws Exception {
    target(new TargetOptions());
    NvmeTcpController a = controller(config().digests(true, true));
    NvmeTcpController b = controller(config().digests(true, false));
    writeAndReadBack(a, b);
  }

  @Test
  void errorsComeBackAsNvmeStatus() throws Exception {
    target(new TargetOptions());
    NvmeTcpController a = controller(config());
    ByteBuf dst = Unpooled.buffer();
    CompletionException e = assertThrows(CompletionException.class,
        () -> a.read(1, (64L << 20) / BS, 1, dst).join());
    NvmeException n = (NvmeException) e.getCause();
    assertEquals(Nvme.SC_LBA_OUT_OF_RANGE, n.statusCode());
    assertFalse(n.pathFailure());
    dst.release();
  }

  @Test
  void outageMidIoLosesNoAcknowledgedWrite() throws Exception {
    target(new TargetOptions());
    NvmeTcpController a = controller(config().controllerLossTimeoutMillis(30_000));
    List<PathState> states = new java.util.concurrent.CopyOnWriteArrayList<>();
    a.addListener((s, cause) -> states.add(s));
    int writes = 300;
    AtomicInteger acked = new AtomicInteger();
    CountDownLatch stopped = new CountDownLatch(1);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    List<ByteBuf> buffers = new ArrayList<>();
    Thread outage = new Thread(() -> {
      try {
        while (acked.get() < 40) {
          Thread.sleep(1);
        }
        target.stop();
        stopped.countDown();
        Thread.sleep(300);
        target.start();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    outage.start();
    for (int i = 0; i < writes; i++) {
      ByteBuf src = pattern(2, i);
      buffers.add(src);
      CompletableFuture<Void> f = a.write(1, i * 2L, 2, src);
      f.thenRun(acked::incrementAndGet);
      all.add(f);
      if (i == writes / 2) {
        assertTrue(stopped.await(30, TimeUnit.SECONDS));
      }
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    outage.join();
    buffers.forEach(ByteBuf::release);
    assertTrue(states.contains(PathState.RECONNECTING), states.toString());
    assertEquals(PathState.CONNECTED, a.state());
    assertTrue(a.counters().reconnects() >= 1);

    NvmeTcpController b = controller(config());
    ByteBuf dst = Unpooled.buffer(writes * 2 * BS);
    b.read(1, 0, writes * 2, dst).join();
    for (int i = 0; i < writes; i++) {
      assertPattern(dst.slice(i * 2 * BS, 2 * BS), 2, i);
    }
    dst.release();
  }

  @Test
  void targetStayingDownFailsThePathWithAClearError() throws Exception {
    target(new TargetOptions());
    NvmeTcpController a = controller(config().controllerLossTimeoutMillis(1000));
    CountDownLatch failed = new CountDownLatch(1);
    a.addListener((s, cause) -> {
      if (s == PathState.FAILED) {
        failed.countDown();
      }
    });
    target.stop();
    ByteBuf dst = Unpooled.buffer();
    CompletableFuture<Void> pending = a.read(1, 0, 1, dst);
    assertTrue(failed.await(30, TimeUnit.SECONDS));
    CompletionException e = assertThrows(CompletionException.class, pending::join);
    assertTrue(e.getCause() instanceof NvmeException n && n.pathFailure(), e.toString());
    assertTrue(e.getCause().getMessage().matches("path to " + NQN
            + " at 127.0.0.1:\\d+ down for \\d+s, past the controller loss timeout of 1000 ms"),
        e.getCause().getMessage());
    CompletionException later = assertThrows(CompletionException.class, () -> a.flush(1).join());
    assertTrue(later.getCause().getMessage().contains("down for"));
    assertEquals(PathState.FAILED, a.state());
    dst.release();
  }

  @Test
  void snapshotCloneAndRestoreThroughTheInitiator() throws Exception {
    target(new TargetOptions().dataDir(dir));
    int fileNs = subsystem.addFileNamespace(dir.resolve("vol.img"), 8L << 20, BS).nsid();
    NvmeTcpController a = controller(config());
    ByteBuf v1 = pattern(4, 1);
    a.write(fileNs, 0, 4, v1).join();
    a.flush(fileNs).join();
    int snap = subsystem.snapshot(fileNs);
    ByteBuf v2 = pattern(4, 2);
    a.write(fileNs, 0, 4, v2).join();
    subsystem.restore(fileNs, snap);
    ByteBuf dst = Unpooled.buffer();
    a.read(fileNs, 0, 4, dst).join();
    assertPattern(dst, 4, 1);

    Path image = dir.resolve("image.raw");
    Files.write(image, dst.array().clone());
    int clone = subsystem.cloneImage(image, BS);
    NvmeTcpController b = controller(config());
    assertEquals(4, b.namespace(clone).blocks());
    ByteBuf cloned = Unpooled.buffer();
    b.read(clone, 0, 4, cloned).join();
    assertPattern(cloned, 4, 1);
    assertNull(a.namespace(clone));
    a.rescan().join();
    ByteBuf viaRescan = Unpooled.buffer();
    a.read(clone, 0, 4, viaRescan).join();
    assertPattern(viaRescan, 4, 1);
    CompletionException unknown = assertThrows(CompletionException.class, () -> a.flush(99).join());
    assertEquals(Nvme.SC_INVALID_NAMESPACE, ((NvmeException) unknown.getCause()).statusCode());
    assertInstanceOf(IllegalArgumentException.class,
        assertThrows(CompletionException.class, () -> a.read(99, 0, 1, viaRescan).join()).getCause());
    for (ByteBuf buf : List.of(v1, v2, dst, cloned, viaRescan)) {
      buf.release();
    }
  }

  /** A peer that accepts TCP but never answers ICReq must not hang the initiator. */
  @Test
  void silentPeerFailsTheConnectWithinTheLossTimeout() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0)) {
      Thread acceptor = new Thread(() -> {
        List<java.net.Socket> held = new ArrayList<>();
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (java.io.IOException closed) {
          held.forEach(s -> {
            try {
              s.close();
            } catch (java.io.IOException ignored) {
              // closing a socket the peer already dropped
            }
          });
        }
      });
      acceptor.start();
      NvmeTcpController c = new NvmeTcpController(new NvmeTcpControllerConfig("127.0.0.1",
          silent.getLocalPort(), NQN, HOST).commandTimeoutMillis(200).controllerLossTimeoutMillis(800)
          .reconnectDelayMillis(20, 100));
      closeables.add(0, c);
      CompletionException e = assertThrows(CompletionException.class, () -> c.connect().join());
      assertTrue(e.getCause().getMessage().contains("down for"), e.getCause().getMessage());
      assertEquals(PathState.FAILED, c.state());
      silent.close();
      acceptor.join();
    }
  }

  /** A hung target is only noticed by the command timeout; the write is re-issued once it is back. */
  @Test
  void commandTimeoutRecoversFromAHungTarget() throws Exception {
    target(new TargetOptions());
    NvmeTcpController a = controller(config().commandTimeoutMillis(300).keepAliveTimeoutMillis(0)
        .maxAttempts(100).controllerLossTimeoutMillis(60_000));
    target.hang(true);
    ByteBuf src = pattern(1, 42);
    CompletableFuture<Void> write = a.write(1, 7, 1, src);
    for (int i = 0; i < 3000 && a.counters().timeouts() == 0; i++) {
      Thread.sleep(10);
    }
    assertTrue(a.counters().timeouts() >= 1);
    assertFalse(write.isDone());
    target.hang(false);
    write.get(60, TimeUnit.SECONDS);
    ByteBuf dst = Unpooled.buffer();
    a.read(1, 7, 1, dst).join();
    assertPattern(dst, 1, 42);
    src.release();
    dst.release();
  }
}
