package io.bmagent.bench;

import io.bmagent.card.Card;
import io.bmagent.daemon.Agent;
import io.bmagent.daemon.AgentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reconcile time after a restart: from {@code Agent.start} to health SERVING (the first reconcile pass done) on a
 * state directory with 1,000 data volumes' worth of attach/detach history, a running instance with a boot and
 * {@link LabState#FINAL_VOLUMES} data volumes, and 100,000 overlay mappings. Every run is a fresh soft card, so the
 * pass connects every volume over NVMe/TCP, programs the NIC and loads all mappings. Goal: under 2 s.
 *
 * <p>Cold runs start the agent in a fresh JVM, as a restarted daemon is (class loading and JIT included); warm runs
 * restart it in this JVM, which isolates the agent's own work.
 */
public final class RestartHarness {

  private static final int CYCLES = Integer.getInteger("bench.restart.cycles", 1_000);
  private static final int MAPPINGS = Integer.getInteger("bench.restart.mappings", 100_000);
  private static final int RUNS = Integer.getInteger("bench.restart.runs", 7);
  private static final int COLD_RUNS = Integer.getInteger("bench.restart.cold", 3);

  private RestartHarness() {}

  public static void main(String[] args) throws Exception {
    // The audit line of every populating call would drown the tables.
    Logger.getLogger("").setLevel(Level.WARNING);
    if (args.length == 2 && args[0].equals("--once")) {
      System.out.println(restart(Path.of(args[1])));
      return;
    }
    Results results = new Results("restart");
    Path stateDir = Files.createTempDirectory("bm-agent-restart").resolve("state");
    try (LabState lab = new LabState()) {
      long t0 = System.nanoTime();
      lab.populate(stateDir, CYCLES, MAPPINGS);
      System.out.printf("state written in %.1f s: %,d attach/detach cycles, %,d mappings, %,d bytes of state.db%n",
          (System.nanoTime() - t0) / 1e9, CYCLES, MAPPINGS, Files.size(stateDir.resolve("state.db")));
      double[] cold = new double[COLD_RUNS];
      for (int i = 0; i < COLD_RUNS; i++) {
        cold[i] = inFreshJvm(stateDir);
      }
      double[] warm = new double[RUNS];
      for (int i = 0; i < RUNS; i++) {
        warm[i] = restart(stateDir);
      }
      System.out.println("machine: " + Machine.describe());
      System.out.printf("%n| restart to SERVING (%,d volumes of history, %,d mappings) | runs (ms) | median | min "
          + "| max | goal |%n|---|---|---|---|---|---|%n", CYCLES, MAPPINGS);
      row("cold: fresh JVM", cold);
      row("warm: same JVM", warm);
      String state = String.format("%,d volumes of history, %,d mappings", CYCLES, MAPPINGS);
      results.add("restart to SERVING, cold: a fresh JVM", "ms", "< 2000", cold, state + "; JVM start included")
          .add("restart to SERVING, warm: the same JVM", "ms", "< 2000", warm, state + "; the agent's own work")
          .write();
    }
  }

  /** One restart on a fresh card; milliseconds from start to the first pass done. */
  private static double restart(Path stateDir) throws Exception {
    Card card = LabState.softCard();
    long start = System.nanoTime();
    try (Agent agent = Agent.start(AgentConfig.forTests(stateDir), card)) {
      long started = System.nanoTime();
      agent.reconciler().firstPass().get(60, TimeUnit.SECONDS);
      double ms = (System.nanoTime() - start) / 1e6;
      // Where the time goes: opening the store and loading the state, then the first pass against the card.
      System.err.printf("restart: %.0f ms to load the state and listen, %.0f ms first pass%n",
          (started - start) / 1e6, (System.nanoTime() - started) / 1e6);
      // SERVING must mean the pass did the work, not that it failed fast.
      if (card.network().mappings().size() != MAPPINGS) {
        throw new IllegalStateException("the card holds " + card.network().mappings().size() + " mappings");
      }
      return ms;
    }
  }

  /** {@link #restart} in a child JVM on this classpath; the lab target stays up in this one. */
  private static double inFreshJvm(Path stateDir) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dbench.restart.mappings=" + MAPPINGS));
    // -Dbench.restart.jvm="OPTIONS" starts the cold JVMs as bin/bm-agent does (heap, class data sharing).
    String opts = System.getProperty("bench.restart.jvm", "").trim();
    if (!opts.isEmpty()) {
      cmd.addAll(List.of(opts.split("\\s+")));
    }
    // -Dbench.restart.jfr=DIR records each cold start with JDK Flight Recorder, to see where start-up time goes.
    String jfr = System.getProperty("bench.restart.jfr");
    if (jfr != null) {
      cmd.add("-XX:StartFlightRecording=filename=" + Path.of(jfr, "cold-" + System.nanoTime() + ".jfr")
          + ",settings=profile");
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RestartHarness.class.getName(), "--once",
        stateDir.toString()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String all = new String(p.getInputStream().readAllBytes()).trim();
    // The figure is the last line; JFR, when recording, prints its own lines first.
    String out = all.substring(all.lastIndexOf('\n') + 1);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("the cold restart failed: " + out);
    }
    return Double.parseDouble(out);
  }

  private static void row(String what, double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    System.out.printf("| %s | %s | %.0f ms | %.0f ms | %.0f ms | < 2,000 ms |%n", what,
        String.join(", ", Arrays.stream(ms).mapToObj(v -> String.format("%.0f", v)).toList()),
        sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
  }
}
