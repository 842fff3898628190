package io.bmagent.card.soft.net.tap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bmagent.card.PolicyTable;
import io.bmagent.card.soft.net.SoftNetworkPort;
import io.bmagent.card.soft.net.underlay.UdpUnderlay;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import io.netty.util.ResourceLeakDetector;
import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TCP throughput between two host namespaces over two soft cards (TAP, pipeline, UDP underlay on loopback and
 * back), measured with iperf3. A benchmark, not a test: it runs only when asked, as root with iperf3 installed:
 *
 * <pre>
 * mvn -B -o -pl proto,agent test -Dtest=TapThroughputBench -Dbmagent.bench=true
 * </pre>
 *
 * Prints one line per run; asserts nothing about the figures.
 */
@Tag("bench")
class TapThroughputBench {

  static final int RUNS = 3;
  static final int SECONDS = 5;
  private static final Pattern RECEIVED =
      Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([0-9.e+]+)");

  @Test
  void tcpBetweenTwoHosts() throws Exception {
    assumeTrue(Boolean.getBoolean("bmagent.bench"), "skipped: a benchmark; run with -Dbmagent.bench=true");
    assumeTrue("0".equals(Netns.run("id", "-u").output()), "skipped: needs root for namespaces and TAP devices");
    assumeTrue(new File("/dev/net/tun").canRead(), "skipped: no /dev/net/tun");
    assumeTrue(Netns.run("iperf3", "--version").status() == 0, "skipped: needs iperf3 (apt-get install iperf3)");

    // The build runs tests with paranoid leak detection, which records a stack trace per buffer the underlay
    // allocates; the agent runs with Netty's default, which is what this measures.
    ResourceLeakDetector.Level testLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    try {
      measure();
    } finally {
      ResourceLeakDetector.setLevel(testLevel);
    }
  }

  private void measure() throws Exception {
    long id = ProcessHandle.current().pid() % 100_000;
    try (Netns hostA = new Netns("bmtp-a-" + id); Netns hostB = new Netns("bmtp-b-" + id);
        SoftNetworkPort cardA = TapEndToEndTest.card(TapEndToEndTest.MAC_A, TapEndToEndTest.IP_A,
            TapEndToEndTest.MAC_B, TapEndToEndTest.IP_B, "127.0.0.3");
        SoftNetworkPort cardB = TapEndToEndTest.card(TapEndToEndTest.MAC_B, TapEndToEndTest.IP_B,
            TapEndToEndTest.MAC_A, TapEndToEndTest.IP_A, "127.0.0.2")) {
      UdpUnderlay underlayA = new UdpUnderlay(Ipv4Address.parse("127.0.0.2"), 0);
      UdpUnderlay underlayB = new UdpUnderlay(Ipv4Address.parse("127.0.0.3"), underlayA.localAddress().getPort());
      TapHostPort tapA = new TapHostPort("bmpa" + id);
      TapHostPort tapB = new TapHostPort("bmpb" + id);
      tapA.moveTo(hostA.name);
      tapB.moveTo(hostB.name);
      cardA.connect(tapA, underlayA);
      cardB.connect(tapB, underlayB);
      cardB.applyRules(List.of(TapEndToEndTest.rule(PolicyTable.SG_INGRESS, 0, Protocol.TCP, "10.77.0.0/24",
          PortRange.single(5201)))).orThrow();
      host(hostA, tapA.name(), TapEndToEndTest.MAC_A.toString(), TapEndToEndTest.IP_A + "/24");
      host(hostB, tapB.name(), TapEndToEndTest.MAC_B.toString(), TapEndToEndTest.IP_B + "/24");

      for (int run = 1; run <= RUNS; run++) {
        Process server = hostB.start("iperf3", "-s", "-1", "-B", TapEndToEndTest.IP_B.toString());
        try {
          Thread.sleep(300);
          String json = hostA.must("iperf3", "-J", "-c", TapEndToEndTest.IP_B.toString(), "-t",
              Integer.toString(SECONDS), "-O", "1");
          Matcher m = RECEIVED.matcher(json);
          System.out.printf("run %d: %s Mbit/s received, one TCP stream, %d s%n", run,
              m.find() ? String.format("%.0f", Double.parseDouble(m.group(1)) / 1e6) : "? (" + json + ")",
              SECONDS);
        } finally {
          server.destroy();
          server.waitFor(5, TimeUnit.SECONDS);
        }
      }
      System.out.println("card A " + cardA.port().orElseThrow().stats());
      System.out.println("card B " + cardB.port().orElseThrow().stats());
    }
  }

  private static void host(Netns ns, String tap, String mac, String address) throws Exception {
    ns.must("ip", "link", "set", "lo", "up");
    ns.must("ip", "link", "set", tap, "address", mac, "mtu", "1450", "up");
    ns.must("ip", "addr", "add", address, "dev", tap);
  }
}
