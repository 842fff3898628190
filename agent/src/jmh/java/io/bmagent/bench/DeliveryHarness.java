package io.bmagent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's share of a bare-metal delivery: {@code bm-agent lab --exit}, each run in a fresh JVM with a fresh
 * state directory, from the ProvisionInstance call to RUNNING with the boot disk attached over NVMe/TCP, the NIC
 * programmed and its security group compiled (as root, the host's port is a TAP device in a namespace). A fresh JVM
 * is the pessimistic case: the first calls pay for class loading and the first SQLite fsync. Goal: under 1 s, so that
 * in a delivery that takes minutes the agent's share takes seconds at most.
 */
public final class DeliveryHarness {

  private static final int RUNS = Integer.getInteger("bench.delivery.runs", 5);
  private static final Pattern DELIVERY = Pattern.compile("delivery time: (\\d+) ms");

  private DeliveryHarness() {}

  public static void main(String[] args) throws Exception {
    Results results = new Results("delivery");
    Path dir = Files.createTempDirectory("bm-agent-delivery");
    double[] ms = new double[RUNS];
    for (int r = 0; r < RUNS; r++) {
      ms[r] = deliver(dir.resolve("run-" + r));
      System.out.printf("delivery %d: %.0f ms%n", r + 1, ms[r]);
    }
    System.out.println("machine: " + Machine.describe());
    results.add("ProvisionInstance to RUNNING, `bm-agent lab --exit`", "ms", "< 1000", ms,
        "a fresh JVM each run: boot disk over NVMe/TCP, NIC and security group")
        .write();
  }

  private static double deliver(Path dir) throws Exception {
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.bmagent.daemon.Main", "lab", "--exit",
        "--dir", dir.toString(), "--listen", "127.0.0.1:0", "--underlay-port", "0"))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("bm-agent lab failed:\n" + out);
    }
    Matcher m = DELIVERY.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("bm-agent lab printed no delivery time:\n" + out);
    }
    return Double.parseDouble(m.group(1));
  }
}
