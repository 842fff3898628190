package io.bmagent.bench;

import java.net.DatagramSocket;
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
  private static final int GUEST_RUNS = Integer.getInteger("bench.delivery.guest.runs", 2);
  private static final Pattern LOGIN = Pattern.compile("SSH login through elastic IP \\S+: (\\d+) ms");

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
        "a fresh JVM each run: boot disk over NVMe/TCP, NIC and security group");
    if (guestPossible()) {
      double[] login = new double[GUEST_RUNS];
      for (int r = 0; r < GUEST_RUNS; r++) {
        login[r] = sshLogin(dir.resolve("guest-" + r));
        System.out.printf("first SSH login %d: %.0f ms%n", r + 1, login[r]);
      }
      results.add("ProvisionInstance to the first SSH login, `bm-agent lab --guest --exit`", "ms", "", login,
          "Debian 12 under QEMU TCG (no KVM here): boot, DHCP, cloud-init from the metadata service, sshd");
    } else {
      System.out.println("no SSH login figure: --guest needs root and qemu-system-x86_64");
    }
    results.write();
  }

  private static boolean guestPossible() {
    return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64"));
  }

  /** The lab's guest mode: its gateway must share the card's underlay port, so it is chosen here, not by the kernel. */
  private static double sshLogin(Path dir) throws Exception {
    int port;
    try (DatagramSocket s = new DatagramSocket(0)) {
      port = s.getLocalPort();
    }
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dbmagent.home=" + Path.of("..").toAbsolutePath().normalize(), "-cp", System.getProperty("java.class.path"),
        "io.bmagent.daemon.Main", "lab", "--guest", "--exit", "--dir", dir.toString(), "--listen", "127.0.0.1:0",
        "--underlay-port", Integer.toString(port))).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("bm-agent lab --guest failed:\n" + out);
    }
    Matcher m = LOGIN.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("bm-agent lab --guest printed no login time:\n" + out);
    }
    return Double.parseDouble(m.group(1));
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
