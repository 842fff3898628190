package io.bmagent.card.soft.net.tap;

import com.sun.management.OperatingSystemMXBean;
import io.bmagent.bench.Results;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soft card's data path against the kernel's: in one run, side by side on the same kind of veth underlay (MTU
 * 1500, transmit offloads off), iperf3 and ping between a soft card's host and a kernel VXLAN peer
 * ({@link KernelPeer}), and between two namespaces joined by kernel VXLAN alone ({@link KernelPair}). Each run
 * measures both, one after the other, so the ratio of a run compares like with like on a shared machine. The
 * agent's CPU is this JVM's (the card and nothing else busy) over the soft card's iperf3 runs. Needs root and
 * iperf3; otherwise every figure is reported as skipped.
 */
public final class VxlanPeerHarness {

  private static final int RUNS = Integer.getInteger("bench.vxlan.runs", 3);
  private static final int SECONDS = Integer.getInteger("bench.vxlan.seconds", 5);
  private static final int PINGS = 200;
  private static final Pattern RECEIVED =
      Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([0-9.e+]+)");
  private static final Pattern RTT = Pattern.compile("time=([0-9.]+) ms");

  /** The iperf3 cases: name, the arguments, the goal of the soft card's ratio to the kernel. */
  private record Case(String name, List<String> args, String goal) {}

  private static final List<Case> CASES = List.of(
      new Case("1 TCP stream, host to peer", List.of(), ">= 0.6"),
      new Case("4 TCP streams, host to peer", List.of("-P", "4"), ">= 0.8"),
      new Case("1 TCP stream, peer to host (-R)", List.of("-R"), ""));

  private VxlanPeerHarness() {}

  public static void main(String[] args) throws Exception {
    Results results = new Results("vxlan");
    String missing = missing();
    if (missing != null) {
      for (Case c : CASES) {
        results.skip(c.name() + ", soft / kernel", "×", c.goal(), missing);
      }
      results.write();
      System.out.println("vxlan benchmark skipped: " + missing);
      return;
    }
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Map<Case, double[][]> gbps = new LinkedHashMap<>();
    List<Double> cpuPerGbps = new ArrayList<>();
    List<Double> softP50 = new ArrayList<>();
    List<Double> softP99 = new ArrayList<>();
    List<Double> kernelP50 = new ArrayList<>();
    List<Double> kernelP99 = new ArrayList<>();
    try (KernelPeer soft = new KernelPeer(1500, 1500, 1_000_000); KernelPair kernel = new KernelPair()) {
      Process softServer = soft.peer.start("iperf3", "-s", "-B", KernelPeer.PEER_IP);
      Process kernelServer = kernel.b.start("iperf3", "-s", "-B", KernelPair.IP_B);
      try {
        Thread.sleep(500);
        for (Case c : CASES) {
          gbps.put(c, new double[2][RUNS]);
        }
        for (int r = 0; r < RUNS; r++) {
          for (Case c : CASES) {
            long cpu = os.getProcessCpuTime();
            long wall = System.nanoTime();
            double s = iperf(soft.host, KernelPeer.PEER_IP, c.args());
            double cores = (os.getProcessCpuTime() - cpu) / (double) (System.nanoTime() - wall);
            double k = iperf(kernel.a, KernelPair.IP_B, c.args());
            gbps.get(c)[0][r] = s;
            gbps.get(c)[1][r] = k;
            if (c == CASES.get(0)) {
              cpuPerGbps.add(cores / s);
            }
            System.out.printf("run %d, %s: soft card %.2f Gbit/s (%.2f cores), kernel %.2f Gbit/s, ratio %.2f%n",
                r + 1, c.name(), s, cores, k, s / k);
          }
          double[] sp = ping(soft.host, KernelPeer.PEER_IP);
          double[] kp = ping(kernel.a, KernelPair.IP_B);
          softP50.add(sp[0]);
          softP99.add(sp[1]);
          kernelP50.add(kp[0]);
          kernelP99.add(kp[1]);
          System.out.printf("run %d, ping: soft card p50 %.3f p99 %.3f ms, kernel p50 %.3f p99 %.3f ms%n", r + 1,
              sp[0], sp[1], kp[0], kp[1]);
        }
      } finally {
        softServer.destroy();
        kernelServer.destroy();
        softServer.waitFor();
        kernelServer.waitFor();
      }
    }
    for (Map.Entry<Case, double[][]> e : gbps.entrySet()) {
      double[] s = e.getValue()[0];
      double[] k = e.getValue()[1];
      double[] ratio = new double[RUNS];
      Arrays.setAll(ratio, i -> s[i] / k[i]);
      String name = e.getKey().name();
      results.add(name + ", soft card", "Gbit/s", "", s, "host behind the soft card to the kernel VXLAN peer")
          .add(name + ", kernel VXLAN", "Gbit/s", "", k, "two namespaces, kernel VXLAN on both ends")
          .add(name + ", soft / kernel", "×", e.getKey().goal(), ratio, "the same run's two figures");
    }
    double[] pingRatio = new double[RUNS];
    Arrays.setAll(pingRatio, i -> softP50.get(i) / kernelP50.get(i));
    results.add("agent CPU per Gbit/s, 1 stream", "cores", "", cpuPerGbps, "this JVM's CPU time over wall time")
        .add("ping p50, soft card", "ms", "", softP50, PINGS + " echoes 10 ms apart")
        .add("ping p99, soft card", "ms", "", softP99, PINGS + " echoes 10 ms apart")
        .add("ping p50, kernel VXLAN", "ms", "", kernelP50, PINGS + " echoes 10 ms apart")
        .add("ping p99, kernel VXLAN", "ms", "", kernelP99, PINGS + " echoes 10 ms apart")
        .add("ping p50, soft / kernel", "×", "<= 2", pingRatio, "the same run's two figures")
        .write();
  }

  private static String missing() throws Exception {
    if (!"0".equals(Netns.run("id", "-u").output())) {
      return "needs root for namespaces, veths and TAP devices";
    }
    for (String tool : List.of("iperf3", "ethtool", "ping", "python3")) {
      if (Netns.run("sh", "-c", "command -v " + tool).status() != 0) {
        return "needs " + tool;
      }
    }
    return null;
  }

  /** Gbit/s the receiver saw. */
  private static double iperf(Netns client, String server, List<String> extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("iperf3", "-J", "-c", server, "-t", Integer.toString(SECONDS), "-O",
        "1"));
    cmd.addAll(extra);
    String json = client.must(cmd.toArray(new String[0]));
    Matcher m = RECEIVED.matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("iperf3 said no throughput: " + json);
    }
    return Double.parseDouble(m.group(1)) / 1e9;
  }

  /** p50 and p99 round trip in ms. */
  private static double[] ping(Netns from, String to) throws Exception {
    String out = from.must("ping", "-c", Integer.toString(PINGS), "-i", "0.01", "-W", "2", to);
    List<Double> rtt = new ArrayList<>();
    Matcher m = RTT.matcher(out);
    while (m.find()) {
      rtt.add(Double.parseDouble(m.group(1)));
    }
    double[] v = rtt.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new double[] {v[v.length / 2], v[Math.min(v.length - 1, (int) Math.ceil(v.length * 0.99) - 1)]};
  }
}
