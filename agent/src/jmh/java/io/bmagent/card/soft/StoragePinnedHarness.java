package io.bmagent.card.soft;

import io.bmagent.bench.Results;
import io.bmagent.card.soft.nvmetcp.NvmeTcpController;
import io.bmagent.card.soft.nvmetcp.NvmeTcpControllerConfig;
import io.bmagent.card.soft.nvmetcp.Polling;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The initiator against the lab target in two processes, each on its own core: this process (the bench profile
 * starts it under {@code taskset -c 0}) runs the initiator and the load generator on the initiator's one event loop;
 * the target runs as {@link io.bmagent.lab.target.LabTargetMain} in a JVM of its own under {@code taskset -c 1}.
 * 4 KiB random read and write at QD1 and QD32 on a memory namespace, in each of the initiator's {@link Polling}
 * modes ({@code storage-poll}). IOPS is wall clock; CPU per I/O is this whole
 * process's CPU time (initiator, load generator, GC, JIT) over the I/Os done.
 *
 * <p>System properties: {@code bench.warmup} and {@code bench.seconds} (per run, seconds), {@code bench.runs},
 * {@code bench.target.cpu} (the core for the target, default 1), {@code bench.only} (run only the cases whose name
 * contains it, e.g. {@code "busy randread QD32"}, for profiling one case).
 */
public final class StoragePinnedHarness {
  static final String NQN = "nqn.2024-01.io.bmagent:lab";
  static final String HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:pinned";
  static final int BLOCK = 4096;
  static final long NAMESPACE_MIB = 256;
  static final long BLOCKS = (NAMESPACE_MIB << 20) / BLOCK;

  private record Sample(double iops, double cpuMicrosPerIo, Histogram latency) {
  }

  public static void main(String[] args) throws Exception {
    int warmup = Integer.getInteger("bench.warmup", 3);
    int seconds = Integer.getInteger("bench.seconds", 3);
    int runs = Integer.getInteger("bench.runs", 3);
    String only = System.getProperty("bench.only", "");
    Results results = new Results("storage.pinned");
    Process target = startTarget(System.getProperty("bench.target.cpu", "1"));
    try {
      int port = port(target);
      boolean filled = false;
      for (Polling polling : Polling.values()) {
        String mode = polling.name().toLowerCase(Locale.ROOT);
        try (NvmeTcpController c = new NvmeTcpController(new NvmeTcpControllerConfig("127.0.0.1", port, NQN,
            HOST_NQN).ioQueues(2).queueDepth(128).threads(1).polling(polling))) {
          c.connect().get(10, TimeUnit.SECONDS);
          if (!filled) {
            fill(c);
            filled = true;
          }
          for (boolean write : List.of(false, true)) {
            for (int qd : List.of(1, 32)) {
              String name = mode + " " + (write ? "randwrite" : "randread") + " QD" + qd;
              if (!name.contains(only)) {
                continue;
              }
              List<Sample> s = run(c, name, write, qd, warmup, seconds, runs);
              figures(results, name, polling, qd, write, s);
              System.err.println("done: " + name);
            }
          }
        }
      }
    } finally {
      target.destroy();
      target.waitFor(10, TimeUnit.SECONDS);
    }
    results.write();
  }

  /** Writes every block once, so reads copy data the way they would from a used volume. */
  private static void fill(NvmeTcpController c) throws Exception {
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(256 * BLOCK);
    try {
      byte[] noise = new byte[256 * BLOCK];
      new SplittableRandom(1).nextBytes(noise);
      buf.writeBytes(noise);
      for (long lba = 0; lba < BLOCKS; lba += 256) {
        c.write(1, lba, 256, buf).get(10, TimeUnit.SECONDS);
      }
    } finally {
      buf.release();
    }
  }

  private static Process startTarget(String cpu) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb = new ProcessBuilder("taskset", "-c", cpu, java, "-Xms512m", "-Xmx512m",
        "-Dio.netty.leakDetection.level=disabled", "-cp",
        System.getProperty("java.class.path"), "io.bmagent.lab.target.LabTargetMain", "--port", "0",
        "--nqn", NQN, "--memory-mib", Long.toString(NAMESPACE_MIB), "--threads",
        System.getProperty("bench.target.threads", "1"), "--poll", System.getProperty("bench.target.poll", "busy"));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    return pb.start();
  }

  private static int port(Process target) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
    Pattern p = Pattern.compile("on port (\\d+)");
    for (String line; (line = r.readLine()) != null; ) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new IllegalStateException("the lab target exited before serving");
  }

  private static List<Sample> run(NvmeTcpController c, String name, boolean write, int qd, int warmup, int seconds,
      int runs) throws Exception {
    ClosedLoopIo.BlockIo io = (w, lba, buf) -> w ? c.write(1, lba, 1, buf) : c.read(1, lba, 1, buf);
    List<Sample> samples = new ArrayList<>();
    for (ClosedLoopRun.Window w : ClosedLoopRun.measure(name, io, write, qd, BLOCKS, warmup, seconds, runs, () -> 0)) {
      samples.add(new Sample(w.iops(), w.processCpuNanos() / 1000.0 / Math.max(1, w.ios()), w.latency()));
    }
    return samples;
  }

  /**
   * The goals of issue 12: 250k randread and 200k randwrite IOPS at QD32, 40 µs mean at QD1 busy, p99 <= 3x p50; on
   * the default mode and busy-poll. Sleep, which waits for a thread wake-up at every completion, is shown beside them.
   */
  private static void figures(Results results, String name, Polling polling, int qd, boolean write, List<Sample> s) {
    boolean goals = polling != Polling.SLEEP;
    boolean busy = polling == Polling.BUSY;
    String iopsGoal = goals && qd == 32 ? (write ? ">= 200000" : ">= 250000") : "";
    results.add(name + ": IOPS", "IOPS", iopsGoal, values(s, x -> x.iops()), "")
        .add(name + ": initiator CPU per I/O", "µs", "", values(s, x -> x.cpuMicrosPerIo()), "")
        .add(name + ": mean", "µs", busy && qd == 1 ? "<= 40" : "", values(s, x -> x.latency().getMean() / 1000),
            "")
        .add(name + ": p50", "µs", "", values(s, x -> x.latency().getValueAtPercentile(50) / 1000.0), "")
        .add(name + ": p99", "µs", "", values(s, x -> x.latency().getValueAtPercentile(99) / 1000.0), "");
    if (qd == 32) {
      results.add(name + ": p99 / p50", "×", goals ? "<= 3" : "", values(s,
          x -> (double) x.latency().getValueAtPercentile(99) / Math.max(1, x.latency().getValueAtPercentile(50))), "");
    }
    System.err.printf(Locale.ROOT, "%s: %.0f IOPS, %.2f µs CPU/IO%n", name, s.get(0).iops(),
        s.get(0).cpuMicrosPerIo());
  }

  private static double[] values(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
    return samples.stream().mapToDouble(f).toArray();
  }
}
