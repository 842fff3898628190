package io.bmagent.card.soft.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.DesiredPower;
import io.bmagent.api.v1.GetConsoleOutputRequest;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.reliability.ChildAgent;
import io.bmagent.testing.Specs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent is killed and restarted while the guest runs a write loop; the guest continues and no acknowledged
 * write is lost; a clean stop and start of the agent leaves it running as well. The agent runs as its own process so that SIGKILL takes the vhost-user back-end down mid-I/O;
 * its QEMU survives, the restarted agent adopts it, QEMU reconnects, and the back-end resubmits what was in
 * flight.
 */
class AgentRestartGuestTest {

  static final String NQN = "nqn.2026-11.io.bmagent:restart";
  static final String VOLUME = "vol-restart";
  /** Past the guest's file system (build-image.sh), beside the boot marker at 15360. */
  static final long BLOCK = 15361;
  /**
   * Each write is a whole block holding "seq n", synced to the disk, then acknowledged on the console. A second
   * loop keeps direct writes further on in flight, so that the kill is likely to find requests to resubmit.
   */
  static final String WRITE_LOOP = """
      while true; do dd if=/dev/zero of=/dev/vda bs=4096 seek=15424 count=512 oflag=direct 2>/dev/null; done &
      n=0
      while true; do
        n=$((n+1))
        printf 'seq %d\\n' $n | dd of=/dev/vda bs=4096 seek=15361 conv=sync,fsync 2>/dev/null && echo "BMGUEST ack $n"
        usleep 100000
      done &
      """;
  private static final Pattern ACK = Pattern.compile("BMGUEST ack (\\d+)");

  @TempDir Path dir;
  /** Ack number to when the test first saw it on the console. */
  final ConcurrentSkipListMap<Integer, Long> acks = new ConcurrentSkipListMap<>();

  @Test
  void theGuestKeepsWritingAcrossAnAgentKillAndNoAcknowledgedWriteIsLost() throws Exception {
    Guest.assumeAvailable();
    Path image = dir.resolve("image");
    Guest.build(image, WRITE_LOOP);
    Path vhost = dir.resolve("vhost");
    Path console = vhost.resolve("console.log");
    Path pidFile = vhost.resolve("qemu.pid");
    Path state = dir.resolve("state");
    Path log = dir.resolve("agent.log");
    Map<String, String> options = Map.of("vhost-user-dir", vhost.toString(),
        "host-vhost-user", dir.resolve("nic.sock").toString(), "host-qemu", image.toString());
    Thread monitor = new Thread(() -> watch(console), "console-acks");
    monitor.setDaemon(true);
    try (GuestDisk disk = GuestDisk.serve(image.resolve("rootfs.img"), NQN, VOLUME)) {
      monitor.start();
      try {
        long pid;
        long killed;
        try (ChildAgent agent = ChildAgent.start(state, log, options)) {
          InstanceServiceGrpc.newBlockingStub(agent.channel).withDeadlineAfter(60, TimeUnit.SECONDS)
              .provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-restart")
                  .setSpec(Specs.instance().toBuilder().setBootDisk(BootDisk.newBuilder().setCloudVolume(disk.spec)))
                  .setStartAfterProvisioning(true).build());
          awaitAck(console, 3, 240);
          pid = Long.parseLong(Files.readString(pidFile).trim());
          agent.kill();
          killed = System.nanoTime();
        }
        long restarting = System.nanoTime();
        try (ChildAgent agent = ChildAgent.start(state, log, options)) {
          long serving = System.nanoTime();
          // Acks that the killed back-end completed may reach the console a moment after it died.
          int stale = acks.entrySet().stream()
              .filter(e -> e.getValue() <= killed + TimeUnit.SECONDS.toNanos(1)).mapToInt(Map.Entry::getKey).max()
              .orElseThrow();
          awaitAck(console, stale + 2, 120);
          int lastBefore = acks.entrySet().stream().filter(e -> e.getValue() <= killed).mapToInt(Map.Entry::getKey)
              .max().orElseThrow();
          int firstAfter = acks.higherKey(lastBefore);
          System.out.printf("guest I/O pause across the agent restart: %d ms (ack %d before the kill, %d after; "
              + "the agent took %d ms from start to serving)%n",
              TimeUnit.NANOSECONDS.toMillis(acks.get(firstAfter) - acks.get(lastBefore)), lastBefore, firstAfter,
              TimeUnit.NANOSECONDS.toMillis(serving - restarting));
          assertEquals(pid, Long.parseLong(Files.readString(pidFile).trim()), "the restarted agent adopted QEMU");
          String agentLog = Files.readString(log);
          assertTrue(agentLog.contains("adopted the host's QEMU, pid " + pid), agent.tail());
          agentLog.lines().filter(l -> l.contains("resubmitting")).forEach(System.out::println);
          assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the same QEMU runs");
          String text = Files.readString(console);
          assertEquals(1, text.split("BMGUEST-DONE", -1).length - 1, "the guest booted once:\n" + text);
          agent.stop();
        }
        // A clean stop, as for an upgrade, leaves the guest running too, and the next agent takes it up again.
        try (ChildAgent agent = ChildAgent.start(state, log, options)) {
          int beforeStop = acks.lastKey();
          awaitAck(console, beforeStop + 2, 120);
          assertEquals(pid, Long.parseLong(Files.readString(pidFile).trim()), "the same QEMU after a clean stop");
          String text = Files.readString(console);
          assertEquals(1, text.split("BMGUEST-DONE", -1).length - 1, "the guest booted once:\n" + text);
        }
        killQemu(pidFile);
        int lastAck = lastAck(console);
        String block = new String(disk.read(disk.spec, BLOCK, 32), StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("seq (\\d+)").matcher(block);
        assertTrue(m.find(), "the block holds no sequence number: " + block);
        assertTrue(Integer.parseInt(m.group(1)) >= lastAck, "block says " + m.group(1) + " but the guest had "
            + "an ack for " + lastAck);
      } finally {
        monitor.interrupt();
        killQemu(pidFile);
      }
    }
  }

  /**
   * A graceful stop acknowledged just before the agent dies is still carried out: the restarted agent finds the
   * guest running on its disks (the soft card brings back what it served) and shuts it down, whether or not the
   * killed agent had begun to.
   */
  @Test
  void aStopAcknowledgedBeforeAKillIsCarriedOutByTheRestartedAgent() throws Exception {
    Guest.assumeAvailable();
    Path image = dir.resolve("image");
    Guest.build(image);
    Path vhost = dir.resolve("vhost");
    Path pidFile = vhost.resolve("qemu.pid");
    Path state = dir.resolve("state");
    Path log = dir.resolve("agent.log");
    Map<String, String> options = Map.of("vhost-user-dir", vhost.toString(),
        "host-vhost-user", dir.resolve("nic.sock").toString(), "host-qemu", image.toString());
    try (GuestDisk disk = GuestDisk.serve(image.resolve("rootfs.img"), NQN, VOLUME)) {
      long pid;
      try (ChildAgent agent = ChildAgent.start(state, log, options)) {
        var instances = InstanceServiceGrpc.newBlockingStub(agent.channel);
        instances.withDeadlineAfter(60, TimeUnit.SECONDS).provisionInstance(ProvisionInstanceRequest.newBuilder()
            .setInstanceId("i-restart").setSpec(Specs.instance().toBuilder()
                .setBootDisk(BootDisk.newBuilder().setCloudVolume(disk.spec))).setStartAfterProvisioning(true).build());
        awaitConsole(vhost.resolve("console.log"), "BMGUEST-DONE", 240);
        pid = Long.parseLong(Files.readString(pidFile).trim());
        instances.withDeadlineAfter(60, TimeUnit.SECONDS).stopInstance(StopInstanceRequest.newBuilder()
            .setGracefulTimeout(Durations.fromSeconds(60)).build());
        agent.kill();
      }
      try (ChildAgent agent = ChildAgent.start(state, log, options)) {
        var instances = InstanceServiceGrpc.newBlockingStub(agent.channel);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Instance i;
        while ((i = instances.withDeadlineAfter(60, TimeUnit.SECONDS)
            .getInstance(GetInstanceRequest.getDefaultInstance())).getStatus().getPhase()
            != InstancePhase.INSTANCE_PHASE_STOPPED) {
          assertTrue(System.nanoTime() < deadline, "not stopped in 120 s: " + i + agent.tail());
          Thread.sleep(100);
        }
        assertEquals(DesiredPower.DESIRED_POWER_OFF, i.getDesiredPower());
        assertFalse(ProcessHandle.of(pid).filter(h -> !zombie(pid)).map(ProcessHandle::isAlive).orElse(false),
            "the guest that was running is stopped");
        String console = instances.getConsoleOutput(GetConsoleOutputRequest.newBuilder()
            .setInstanceId("i-restart").build()).getOutput().toStringUtf8();
        assertTrue(console.contains("] Linux version ") && console.contains("BMGUEST-DONE"),
            "the restarted agent still has the boot the killed one saw, from QEMU's console file:\n" + console);
      } finally {
        killQemu(pidFile);
      }
    }
  }

  private static void awaitConsole(Path console, String line, int seconds) throws IOException,
      InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!(Files.exists(console) && Files.readString(console).contains(line))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(line + " not seen in " + seconds + " s; console:\n"
            + (Files.exists(console) ? Files.readString(console) : ""));
      }
      Thread.sleep(100);
    }
  }

  /** Notes when each ack first appears on the console, agent restarts included, until interrupted. */
  private void watch(Path console) {
    try {
      while (true) {
        long now = System.nanoTime();
        if (Files.exists(console)) {
          Matcher m = ACK.matcher(Files.readString(console));
          while (m.find()) {
            acks.putIfAbsent(Integer.parseInt(m.group(1)), now);
          }
        }
        Thread.sleep(20);
      }
    } catch (IOException | InterruptedException e) {
      // Interrupted at the end of the test; a console that cannot be read shows as missing acks.
    }
  }

  /** Waits until the console shows an ack of at least {@code n}. */
  private void awaitAck(Path console, int n, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      if (!acks.isEmpty() && acks.lastKey() >= n) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no ack " + n + " in " + seconds + " s; console:\n"
            + (Files.exists(console) ? Files.readString(console) : ""));
      }
      Thread.sleep(20);
    }
  }

  private static int lastAck(Path console) throws IOException {
    Matcher m = ACK.matcher(Files.readString(console));
    int last = 0;
    while (m.find()) {
      last = Math.max(last, Integer.parseInt(m.group(1)));
    }
    return last;
  }

  /** QEMU outlives the agents: it goes by its pid file, if that still names it. */
  private static void killQemu(Path pidFile) throws IOException, InterruptedException {
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    Optional<ProcessHandle> qemu = ProcessHandle.of(pid).filter(h -> h.info().command()
        .map(c -> c.endsWith(QemuHost.QEMU)).orElse(false));
    if (qemu.isPresent()) {
      qemu.get().destroyForcibly();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (qemu.get().isAlive() && !zombie(pid) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
  }

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }
}
