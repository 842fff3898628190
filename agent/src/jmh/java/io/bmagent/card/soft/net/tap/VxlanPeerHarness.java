package io.bmagent.card.soft.net.tap;

import com.sun.management.OperatingSystemMXBean;
import io.bmagent.bench.Results;
import io.bmagent.card.soft.net.NetPoll;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soft card's data path against the kernel's: in one run, side by side on the same kind of veth underlay (MTU
 * 1500, transmit offloads off), iperf3 and ping between a soft card's host and a kernel VXLAN peer
 * ({@link KernelPeer}), and between two namespaces joined by kernel VXLAN alone ({@link KernelPair}). Each run
 * measures both, one after the other, so the ratio of a run compares like with like on a shared machine. The
 * agent's CPU is this JVM's (the card and nothing else busy) over the soft card's iperf3 runs. Each run measures
 * the card twice, with {@code net-poll=sleep} (the default) and {@code busy} (a card whose data path has cores of its
 * own), each beside the same kernel figures, and holds both to the goals. Needs root and iperf3; otherwise every
 * figure is reported as skipped.
 */
public final class VxlanPeerHarness {

  private static final int RUNS = Integer.getInteger("bench.vxlan.runs", 5);
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
    System.out.printf("load average at start: %.2f%n", os.getSystemLoadAverage());
    Map<NetPoll, Mode> modes = new EnumMap<>(NetPoll.class);
    for (NetPoll poll : NetPoll.values()) {
      modes.put(poll, new Mode());
    }
    Mode kernelMode = new Mode();
    try (KernelPeer soft = new KernelPeer(1500, 1500, 1_000_000); KernelPair kernel = new KernelPair()) {
      Process softServer = soft.peer.start("iperf3", "-s", "-B", KernelPeer.PEER_IP);
      Process kernelServer = kernel.b.start("iperf3", "-s", "-B", KernelPair.IP_B);
      try {
        Thread.sleep(500);
        for (int r = 0; r < RUNS; r++) {
          for (Case c : CASES) {
            kernelMode.gbps(c).add(iperf(kernel.a, KernelPair.IP_B, c.args()));
          }
          kernelMode.ping(ping(kernel.a, KernelPair.IP_B));
          measure(os, soft, modes.get(NetPoll.SLEEP));
          // The busy card spins a core per queue while traffic flows and for NetPoll.PARK_NANOS after: it exists only
          // while it is measured, so that it does not slow the other figures.
          try (KernelPeer busy = new KernelPeer(NetPoll.BUSY, 1500, 1500, 1_000_000)) {
            Process busyServer = busy.peer.start("iperf3", "-s", "-B", KernelPeer.PEER_IP);
            try {
              Thread.sleep(500);
              measure(os, busy, modes.get(NetPoll.BUSY));
            } finally {
              busyServer.destroy();
              busyServer.waitFor();
            }
          }
          for (NetPoll poll : NetPoll.values()) {
            Mode m = modes.get(poll);
            System.out.printf("run %d, net-poll=%s: ping p50 %.3f p99 %.3f ms; kernel p50 %.3f p99 %.3f ms%n", r + 1,
                poll.name().toLowerCase(Locale.ROOT), m.p50.get(r), m.p99.get(r), kernelMode.p50.get(r),
                kernelMode.p99.get(r));
            for (Case c : CASES) {
              System.out.printf("run %d, net-poll=%s, %s: soft card %.2f Gbit/s, kernel %.2f Gbit/s, ratio %.2f%n",
                  r + 1, poll.name().toLowerCase(Locale.ROOT), c.name(), m.gbps(c).get(r), kernelMode.gbps(c).get(r),
                  m.gbps(c).get(r) / kernelMode.gbps(c).get(r));
            }
          }
        }
      } finally {
        softServer.destroy();
        kernelServer.destroy();
        softServer.waitFor();
        kernelServer.waitFor();
      }
    }
    // The start's is in the file's header; the busy card's spinning raises it during the runs.
    results.add("load average at the end", "", "", new double[] {os.getSystemLoadAverage()},
        "1-minute, " + os.getAvailableProcessors() + " cores");
    for (Case c : CASES) {
      results.add(c.name() + ", kernel VXLAN", "Gbit/s", "", kernelMode.gbps(c),
          "two namespaces, kernel VXLAN on both ends");
      for (NetPoll poll : NetPoll.values()) {
        Mode m = modes.get(poll);
        String label = poll == NetPoll.SLEEP ? "soft card" : "soft card busy-poll";
        results.add(c.name() + ", " + label, "Gbit/s", "", m.gbps(c),
            "host behind the soft card (net-poll=" + poll.name().toLowerCase(Locale.ROOT) + ") to the kernel peer")
            .add(c.name() + ", " + label + " / kernel", "×", c.goal(),
                ratio(m.gbps(c), kernelMode.gbps(c)), "the same run's two figures");
      }
    }
    results.add("ping p50, kernel VXLAN", "ms", "", kernelMode.p50, PINGS + " echoes 10 ms apart")
        .add("ping p99, kernel VXLAN", "ms", "", kernelMode.p99, PINGS + " echoes 10 ms apart");
    for (NetPoll poll : NetPoll.values()) {
      Mode m = modes.get(poll);
      String label = poll == NetPoll.SLEEP ? "soft card" : "soft card busy-poll";
      String spin = poll == NetPoll.SLEEP ? "" : ", a thread per TAP queue spinning while its queue carries traffic";
      results.add("agent CPU per Gbit/s, 1 stream, " + label, "cores", "", m.cpuPerGbps,
              "this JVM's CPU time over wall time" + spin)
          .add("ping p50, " + label, "ms", "", m.p50, PINGS + " echoes 10 ms apart")
          .add("ping p99, " + label, "ms", "", m.p99, PINGS + " echoes 10 ms apart")
          .add("ping p50, " + label + " / kernel", "×", "<= 2", ratio(m.p50,
              kernelMode.p50), "the same run's two figures");
    }
    results.write();
  }

  /** One data path's figures, a value per run. */
  private static final class Mode {
    final Map<Case, List<Double>> gbps = new LinkedHashMap<>();
    final List<Double> cpuPerGbps = new ArrayList<>();
    final List<Double> p50 = new ArrayList<>();
    final List<Double> p99 = new ArrayList<>();

    List<Double> gbps(Case c) {
      return gbps.computeIfAbsent(c, k -> new ArrayList<>());
    }

    void ping(double[] v) {
      p50.add(v[0]);
      p99.add(v[1]);
    }
  }

  /** One run of every case and the pings against {@code card}'s peer, the JVM's CPU over the single stream. */
  private static void measure(OperatingSystemMXBean os, KernelPeer card, Mode into) throws Exception {
    for (Case c : CASES) {
      long cpu = os.getProcessCpuTime();
      long wall = System.nanoTime();
      double g = iperf(card.host, KernelPeer.PEER_IP, c.args());
      double cores = (os.getProcessCpuTime() - cpu) / (double) (System.nanoTime() - wall);
      into.gbps(c).add(g);
      if (c == CASES.get(0)) {
        into.cpuPerGbps.add(cores / g);
      }
    }
    into.ping(ping(card.host, KernelPeer.PEER_IP));
  }

  private static double[] ratio(List<Double> a, List<Double> b) {
    double[] r = new double[a.size()];
    Arrays.setAll(r, i -> a.get(i) / b.get(i));
    return r;
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
