package io.bmagent.bench;

import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VpcMapping;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent as the launcher runs it ({@code bin/bm-agent}, with its heap limits) under a card's memory budget:
 * 1,000,000 overlay mappings upserted through the API in calls of 200,000, then restarts (SIGTERM, start again)
 * that load them from the store and program them on a fresh soft card; first the same with 5,000 mappings. Figures:
 * the process's peak resident set (VmHWM) while filling and after a restart, and the restart to health SERVING as a
 * supervisor sees it (JVM start included; the first agent's exit leaves the class-data-sharing archive the restarts
 * map). The agent dies on OutOfMemoryError (-XX:+ExitOnOutOfMemoryError), so a limit too small fails the run.
 * Goals: the resident set under 512 MiB; a restart of the small state under 1 s.
 */
public final class MemoryBudgetHarness {

  private static final int MAPPINGS = Integer.getInteger("bench.budget.mappings", 1_000_000);
  private static final int SMALL = 5_000;
  private static final int RESTARTS = Integer.getInteger("bench.budget.restarts", 5);
  private static final int PER_CALL = 200_000;
  private static final Pattern SERVING = Pattern.compile("serving on ([\\d.]+):(\\d+)");

  private MemoryBudgetHarness() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("bench.root", "..")).toAbsolutePath().normalize();
    Results results = new Results("budget");
    // A state of a few thousand changes, as a control plane makes in a day: the restart goal is judged here.
    Phase small = measure(root, SMALL);
    Phase large = measure(root, MAPPINGS);
    String note = "bin/bm-agent's JVM options and class-data-sharing archive";
    results.add("restart to SERVING, " + String.format("%,d", SMALL) + " mappings: JVM start, load, first pass", "ms",
            "< 1000", small.restartMs, note)
        .add("peak RSS filling " + String.format("%,d", MAPPINGS) + " mappings through the API", "MiB", "< 512",
            large.fillHwm, note)
        .add("peak RSS after a restart that loads them", "MiB", "< 512", large.restartHwm, note + "; fresh soft card")
        .add("restart to SERVING, " + String.format("%,d", MAPPINGS) + " mappings", "ms", "", large.restartMs, note)
        .write();
  }

  private record Phase(List<Double> fillHwm, List<Double> restartHwm, List<Double> restartMs) {}

  private static Phase measure(Path root, int mappings) throws Exception {
    Path state = Files.createTempDirectory("bm-agent-budget").resolve("state");
    Phase phase = new Phase(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    Agent first = Agent.start(root, state);
    try {
      NetworkServiceGrpc.NetworkServiceBlockingStub net = NetworkServiceGrpc.newBlockingStub(first.channel)
          .withMaxOutboundMessageSize(64 << 20);
      for (int done = 0; done < mappings; done += PER_CALL) {
        net.withDeadlineAfter(5, TimeUnit.MINUTES).upsertVpcMappings(batch(done, Math.min(PER_CALL,
            mappings - done)));
      }
      first.settle();
      phase.fillHwm.add(first.peakMib());
      System.out.printf("filled %,d mappings: peak RSS %.0f MiB, RSS now %.0f MiB%n", mappings, first.peakMib(),
          first.rssMib());
    } finally {
      first.close();
    }
    for (int i = 0; i < RESTARTS; i++) {
      long t0 = System.nanoTime();
      Agent again = Agent.start(root, state);
      try {
        again.awaitServing();
        phase.restartMs.add((System.nanoTime() - t0) / 1e6);
        phase.restartHwm.add(again.peakMib());
        System.out.printf("%,d mappings, restart %d: SERVING after %.0f ms, peak RSS %.0f MiB%n", mappings, i + 1,
            phase.restartMs.get(i), again.peakMib());
      } finally {
        again.close();
      }
    }
    return phase;
  }

  private static UpsertVpcMappingsRequest batch(int from, int count) {
    UpsertVpcMappingsRequest.Builder b = UpsertVpcMappingsRequest.newBuilder();
    for (int i = from; i < from + count; i++) {
      // Ten VNIs of 100,000 addresses each, every host of a /8 spread over the underlay.
      int vni = 1000 + i / 100_000;
      int host = i % 100_000;
      b.addMappings(VpcMapping.newBuilder().setVni(vni)
          .setIp("10." + (host >> 16) + "." + ((host >> 8) & 0xff) + "." + (host & 0xff))
          .setMac(String.format("02:00:%02x:%02x:%02x:%02x", vni & 0xff, host >> 16, (host >> 8) & 0xff, host & 0xff))
          .setUnderlayIp("192.0.2." + (1 + host % 250)));
    }
    return b.build();
  }

  /** One agent process started by bin/bm-agent on the soft card, loopback only. */
  private static final class Agent implements AutoCloseable {
    final Process process;
    final ManagedChannel channel;

    private Agent(Process process, ManagedChannel channel) {
      this.process = process;
      this.channel = channel;
    }

    static Agent start(Path root, Path state) throws IOException {
      Process p = new ProcessBuilder(root.resolve("bin/bm-agent").toString(), "--state-dir", state.toString(),
          "--listen", "127.0.0.1:0", "--metrics-listen", "off", "--card-option", "underlay=127.0.0.1",
          "--card-option", "underlay-port=0").redirectError(ProcessBuilder.Redirect.DISCARD).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null) {
        Matcher m = SERVING.matcher(line);
        if (m.find()) {
          return new Agent(p, NettyChannelBuilder.forAddress(m.group(1), Integer.parseInt(m.group(2)))
              .usePlaintext().maxInboundMessageSize(16 << 20).build());
        }
      }
      throw new IllegalStateException("bin/bm-agent exited with " + waitFor(p) + " before serving");
    }

    void awaitServing() {
      var health = HealthGrpc.newBlockingStub(channel).withWaitForReady();
      while (health.withDeadlineAfter(2, TimeUnit.MINUTES).check(HealthCheckRequest.getDefaultInstance())
          .getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
        sleep(50);
      }
    }

    /** Waits for the reconciler to have programmed the card: the resident set stops moving. */
    void settle() throws IOException {
      double last = rssMib();
      int steady = 0;
      for (int i = 0; i < 120 && steady < 3; i++) {
        sleep(1000);
        double now = rssMib();
        steady = Math.abs(now - last) < 2 ? steady + 1 : 0;
        last = now;
      }
    }

    double peakMib() throws IOException {
      return status("VmHWM");
    }

    double rssMib() throws IOException {
      return status("VmRSS");
    }

    private double status(String field) throws IOException {
      if (!process.isAlive()) {
        throw new IllegalStateException("the agent died (exit " + waitFor(process) + "): out of memory?");
      }
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (l.startsWith(field + ":")) {
          return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
        }
      }
      throw new IllegalStateException("no " + field + " in /proc/" + process.pid() + "/status");
    }

    @Override
    public void close() throws Exception {
      channel.shutdownNow();
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }

    private static int waitFor(Process p) {
      try {
        return p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    private static void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
