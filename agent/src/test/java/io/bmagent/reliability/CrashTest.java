package io.bmagent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Message;
import io.bmagent.api.v1.DesiredPower;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ListVolumesRequest;
import io.bmagent.api.v1.Volume;
import io.bmagent.api.v1.VolumePhase;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.TargetOptions;
import io.bmagent.store.StateStore;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random points while a control plane streams mutations. After every restart the agent holds every
 * acknowledged mutation and applied none twice; at the end the card converges and the store is sound.
 *
 * <p>{@code -Dbmagent.crash.cycles} and {@code -Dbmagent.crash.seconds} bound the run (30 cycles or 60 s by
 * default; the {@code soak} profile runs hundreds); {@code -Dbmagent.crash.seed} replays a run.
 */
class CrashTest {

  private static final int CYCLES = Integer.getInteger("bmagent.crash.cycles", 30);
  private static final long SECONDS = Long.getLong("bmagent.crash.seconds", 60);
  private static final int MIN_CYCLES = Math.min(CYCLES, 3);

  @TempDir Path dir;

  @Test
  void acknowledgedMutationsSurviveSigkillAndAreAppliedOnce() throws Exception {
    long seed = Long.getLong("bmagent.crash.seed", System.nanoTime());
    System.out.println("CrashTest seed " + seed + " (-Dbmagent.crash.seed=" + seed + " replays it)");
    Random random = new Random(seed);
    Path state = dir.resolve("state");
    Path log = dir.resolve("agent.log");
    try (NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0))) {
      for (String vol : new String[] {"vol-boot", Mutations.DATA_VOLUMES[0], Mutations.DATA_VOLUMES[1]}) {
        target.addSubsystem("nqn.2026-11.io.bmagent:" + vol).addMemoryNamespace(1L << 30, 4096);
      }
      Mutations mutations = new Mutations(random, target.start());
      Ledger ledger = new Ledger();
      Mutation pending = mutations.provision();
      Mutation lastPower = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
      int cycles = 0;
      Map<String, Integer> acknowledgedByKind = new TreeMap<>();
      // A few cycles whatever the time they take, so that a slow machine still tests something and never fails.
      while (cycles < CYCLES && (cycles < MIN_CYCLES || System.nanoTime() < deadline)) {
        // Closed even when an assertion fails, so that no agent outlives the test.
        try (ChildAgent agent = ChildAgent.start(state, log)) {
          pending = resolve(agent, pending, ledger);
          ledger.verify(agent.channel);
          Thread killer = killAfter(agent, 100 + random.nextInt(1200));
          while (agent.alive()) {
            Mutation m = pending != null ? pending : mutations.next(ledger);
            pending = null;
            Outcome o = send(agent, m);
            if (o == Outcome.ACKNOWLEDGED) {
              m.onAck().accept(ledger, lastReply);
              acknowledgedByKind.merge(m.name().split(" ")[0], 1, Integer::sum);
              if (m.name().startsWith("start") || m.name().startsWith("stop") || m.name().startsWith("reboot")) {
                lastPower = m;
              }
            } else if (o == Outcome.IN_DOUBT) {
              pending = m;
              continue;
            }
            // A control plane that lost an OK sends the request again: it must answer OK and not act twice.
            if (lastPower != null && random.nextInt(10) == 0 && send(agent, lastPower) == Outcome.ACKNOWLEDGED) {
              assertEquals(ledger.instanceGeneration, ((Instance) lastReply).getGeneration(),
                  "a retried " + lastPower + " acted again");
            }
          }
          killer.join();
        }
        cycles++;
        assertIntact(state);
      }
      System.out.printf("CrashTest: %d kill cycles, acknowledged mutations by kind: %s%n", cycles,
          acknowledgedByKind);

      try (ChildAgent agent = ChildAgent.start(state, log)) {
        resolve(agent, pending, ledger);
        ledger.verify(agent.channel);
        if (ledger.power != DesiredPower.DESIRED_POWER_ON) {
          Mutation start = mutations.start();
          assertEquals(Outcome.ACKNOWLEDGED, send(agent, start), start.name());
          start.onAck().accept(ledger, lastReply);
        }
        awaitConverged(agent, ledger);
        ledger.verify(agent.channel);
      }
    }
    assertIntact(state);
  }

  private enum Outcome { ACKNOWLEDGED, REFUSED, IN_DOUBT }

  private Message lastReply;

  /** Sends once. A refusal is a definite no; a broken call may or may not have committed, so it is sent again. */
  private Outcome send(ChildAgent agent, Mutation m) throws InterruptedException {
    lastReply = null;
    try {
      lastReply = m.call().apply(agent.channel);
      return Outcome.ACKNOWLEDGED;
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      switch (code) {
        case UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, UNKNOWN, INTERNAL -> {
          // Only a dying agent may leave a call without an answer.
          if (code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN) {
            Thread.sleep(2000);
            if (agent.alive()) {
              fail(m + " failed with " + e.getStatus() + " on a live agent");
            }
          }
          return Outcome.IN_DOUBT;
        }
        default -> {
          return Outcome.REFUSED;
        }
      }
    }
  }

  /**
   * Sends the mutation left in doubt by the last kill again, unchanged, until it has an answer: the retry must not
   * act twice if the first attempt committed. Returns null, as nothing is in doubt any more.
   */
  private Mutation resolve(ChildAgent agent, Mutation pending, Ledger ledger) throws InterruptedException {
    for (int attempt = 0; pending != null && attempt < 10; attempt++) {
      Outcome o = send(agent, pending);
      if (o == Outcome.ACKNOWLEDGED) {
        pending.onAck().accept(ledger, lastReply);
      }
      if (o != Outcome.IN_DOUBT) {
        return null;
      }
    }
    if (pending != null) {
      fail(pending + " has no answer from a live agent after 10 attempts");
    }
    return null;
  }

  private static Thread killAfter(ChildAgent agent, long millis) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(millis);
        agent.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "killer");
    t.start();
    return t;
  }

  /** Opens the file left by the killed agent, as the next start would, and runs the full integrity check. */
  private static void assertIntact(Path state) {
    try (StateStore store = StateStore.open(state)) {
      assertEquals("ok", store.integrityCheck());
    }
  }

  /** Health SERVING, the host's phase as desired, every volume attached and every acknowledged reboot done. */
  private static void awaitConverged(ChildAgent agent, Ledger ledger) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = "";
    while (System.nanoTime() < deadline) {
      Instance inst = Mutations.instances(agent.channel).getInstance(GetInstanceRequest.getDefaultInstance());
      boolean volumesReady = true;
      for (Volume v : Mutations.volumes(agent.channel).listVolumes(ListVolumesRequest.getDefaultInstance())
          .getVolumesList()) {
        volumesReady &= v.getStatus().getPhase() == VolumePhase.VOLUME_PHASE_ATTACHED;
      }
      if (inst.getStatus().getPhase() == InstancePhase.INSTANCE_PHASE_RUNNING && volumesReady
          && inst.getStatus().getRebootCount() == ledger.reboots) {
        return;
      }
      last = inst.getStatus() + " volumes ready " + volumesReady + ", acknowledged reboots " + ledger.reboots;
      Thread.sleep(50);
    }
    fail("did not converge in 60 s: " + last + "\n" + agent.tail());
  }
}
