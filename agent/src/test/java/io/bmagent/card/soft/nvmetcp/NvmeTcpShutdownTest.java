package io.bmagent.card.soft.nvmetcp;

import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.TargetEvent;
import io.bmagent.lab.target.TargetOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.bmagent.lab.target.TargetEvent.Kind.QUEUE_DISCONNECTED;
import static io.bmagent.lab.target.TargetEvent.Kind.SHUTDOWN_COMPLETE_REPORTED;
import static io.bmagent.lab.target.TargetEvent.Kind.SHUTDOWN_REQUESTED;
import static org.junit.jupiter.api.Assertions.*;

/** Detach as the target sees it: I/O queues go, CC.SHN, CSTS.SHST polled to complete, admin queue last. */
@Timeout(120)
class NvmeTcpShutdownTest {
  static final String NQN = "nqn.2024-01.io.bmagent:vol-shutdown";
  static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:soft-card";
  final List<TargetEvent> events = new CopyOnWriteArrayList<>();
  NvmeTcpTarget target;

  void target(TargetOptions options) throws Exception {
    target = new NvmeTcpTarget(options);
    target.addSubsystem(NQN).addMemoryNamespace(1 << 20, 4096);
    target.addListener(events::add);
    target.start();
  }

  @AfterEach
  void close() throws Exception {
    target.close();
  }

  NvmeTcpController connected(long shutdownTimeoutMillis) {
    NvmeTcpController c = new NvmeTcpController(new NvmeTcpControllerConfig("127.0.0.1", target.port(), NQN, HOST)
        .ioQueues(2).queueDepth(8).shutdownTimeoutMillis(shutdownTimeoutMillis));
    c.connect().join();
    return c;
  }

  private List<TargetEvent> of(int cntlid) {
    return events.stream().filter(e -> e.cntlid() == cntlid).toList();
  }

  /**
   * The events of the controller once the target has seen its admin connection go: close() returns when the host
   * has dropped it, and the target's side of the disconnect is recorded a moment later on its own thread.
   */
  private List<TargetEvent> afterAdminDisconnect(int cntlid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<TargetEvent> seen = of(cntlid);
    while ((indexOf(seen, QUEUE_DISCONNECTED, 0) < 0 || target.subsystem(NQN).controllerCount() > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
      seen = of(cntlid);
    }
    return seen;
  }

  private static int indexOf(List<TargetEvent> list, TargetEvent.Kind kind, int qid) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).kind() == kind && (kind != QUEUE_DISCONNECTED || list.get(i).qid() == qid)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void closeWaitsForShutdownCompleteAndDropsTheAdminQueueLast() throws Exception {
    // Shutdown processing takes a while, so the first CSTS reads show SHST 01b and the host must poll.
    target(new TargetOptions().shutdownMillis(150));
    NvmeTcpController c = connected(5_000);
    int cntlid = c.info().cntlid();
    c.close();

    List<TargetEvent> seen = afterAdminDisconnect(cntlid);
    assertEquals(5, seen.size(), seen.toString());
    int shn = indexOf(seen, SHUTDOWN_REQUESTED, 0);
    int complete = indexOf(seen, SHUTDOWN_COMPLETE_REPORTED, 0);
    int admin = indexOf(seen, QUEUE_DISCONNECTED, 0);
    assertTrue(shn >= 0 && complete > shn, seen.toString());
    assertEquals(seen.size() - 1, admin, "the admin connection goes last: " + seen);
    for (int qid = 1; qid <= 2; qid++) {
      int io = indexOf(seen, QUEUE_DISCONNECTED, qid);
      assertTrue(io >= 0 && io < complete, "I/O queue " + qid + " goes before shutdown completes: " + seen);
    }
    assertEquals(1, c.counters().shutdownsComplete());
    assertEquals(0, c.counters().shutdownTimeouts());
    assertEquals(0, target.subsystem(NQN).controllerCount());
  }

  @Test
  void aTargetThatNeverCompletesShutdownIsAbandonedAfterTheBound() throws Exception {
    target(new TargetOptions().shutdownMillis(-1));
    NvmeTcpController c = connected(300);
    int cntlid = c.info().cntlid();
    c.close();

    List<TargetEvent> seen = afterAdminDisconnect(cntlid);
    assertTrue(indexOf(seen, SHUTDOWN_REQUESTED, 0) >= 0, seen.toString());
    assertEquals(-1, indexOf(seen, SHUTDOWN_COMPLETE_REPORTED, 0), seen.toString());
    assertEquals(seen.size() - 1, indexOf(seen, QUEUE_DISCONNECTED, 0), seen.toString());
    assertEquals(1, c.counters().shutdownTimeouts());
    assertEquals(0, c.counters().shutdownsComplete());
  }
}
