package io.bmagent.card.nativelib;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Opens simulated cards for the tests, which skip when the simulator cannot be loaded. */
final class SimCards {

  private SimCards() {
  }

  static BmdpuLibrary library() {
    assumeTrue(BmdpuLibraryLoader.isAvailable(), () -> "skipped, the card library is unavailable: "
        + BmdpuLibraryLoader.unavailabilityCause().orElse("?"));
    return BmdpuLibraryLoader.library();
  }

  static BmdpuCard open(String config) {
    return BmdpuCard.open(library(), config);
  }

  static int ip(int a, int b, int c, int d) {
    return a << 24 | b << 16 | c << 8 | d;
  }

  static NvmfTarget target(String connId) {
    return new NvmfTarget(connId, BmdpuLibrary.BMDPU_TRANSPORT_TCP, "192.0.2.10", "4420",
        "nqn.2024-01.io.bmagent:vol", "nqn.2024-01.io.bmagent:host");
  }

  static BlockdevSpec device(String connId, String serial) {
    return new BlockdevSpec(BmdpuLibrary.BMDPU_DEV_NVME, connId, 1, serial, 1L << 30, 4096, 4);
  }

  /** Collects events delivered off the card's thread. */
  static final class Recorder implements Consumer<CardEvent> {
    private final BlockingQueue<CardEvent> events = new LinkedBlockingQueue<>();
    private volatile Thread deliveredOn;

    @Override
    public void accept(CardEvent event) {
      deliveredOn = Thread.currentThread();
      events.add(event);
    }

    /** The next event of {@code type}, skipping others, or an assertion failure after {@code timeout}. */
    CardEvent await(CardEvent.Type type, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      for (;;) {
        CardEvent e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("no " + type + " event within " + timeout);
        }
        if (e.type() == type) {
          return e;
        }
      }
    }

    Thread deliveredOn() {
      return deliveredOn;
    }
  }
}
