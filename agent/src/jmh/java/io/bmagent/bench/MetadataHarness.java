package io.bmagent.bench;

import io.bmagent.card.CardInfo;
import io.bmagent.card.InstanceMetadata;
import io.bmagent.card.PortConfig;
import io.bmagent.card.soft.net.MemoryUnderlay;
import io.bmagent.card.soft.net.SoftNetworkPort;
import io.bmagent.card.soft.net.tap.Netns;
import io.bmagent.card.soft.net.tap.TapHostPort;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The card's metadata service as a host uses it: curl in the host's namespace behind the soft card's TAP, one
 * keep-alive connection, a burst of {@value #BURST} requests for {@code meta-data/instance-id} (the port's rate limit
 * lets 200 through at once, then 100 a second, so each run starts with a full bucket). Figures: requests a second
 * over the burst (curl's start included) and the latency of each request as curl reports it.
 */
public final class MetadataHarness {

  private static final int RUNS = Integer.getInteger("bench.metadata.runs", 5);
  private static final int BURST = 200;
  private static final MacAddress MAC = MacAddress.parse("02:00:0a:4f:00:0a");

  private MetadataHarness() {}

  public static void main(String[] args) throws Exception {
    Results results = new Results("metadata");
    String why = unavailable();
    if (why != null) {
      results.skip("metadata requests, one keep-alive connection", "req/s", "> 200", why)
          .skip("metadata request latency p50", "ms", "< 5", why)
          .skip("metadata request latency p99", "ms", "< 20", why).write();
      return;
    }
    long id = ProcessHandle.current().pid() % 100_000;
    try (Netns host = new Netns("bmmb-" + id);
        SoftNetworkPort card = new SoftNetworkPort(new CardInfo.Limits(8, 1, 100, 100, 100, 100, 4))) {
      card.configure(new PortConfig("nic", MAC, Ipv4Address.parse("10.79.0.10"), Ipv4Prefix.parse("10.79.0.0/24"),
          Ipv4Address.parse("10.79.0.1"), 4244, 1450, List.of()));
      card.putMetadata(new InstanceMetadata("i-bench", "ebm.g6.8xlarge", "img-1", "bench", MAC,
          Ipv4Address.parse("10.79.0.10"), Ipv4Prefix.parse("10.79.0.0/24"), "vpc-1", null, List.of(), new byte[0],
          Map.of(), false, 1));
      TapHostPort tap = new TapHostPort("bmmbt" + id);
      tap.moveTo(host.name);
      card.connect(tap, new MemoryUnderlay(0x7f000002, 0x02ee00000002L, 0x02ee000000feL));
      host.must("ip", "link", "set", tap.name(), "address", MAC.toString(), "mtu", "1450", "up");
      host.must("ip", "addr", "add", "10.79.0.10/24", "dev", tap.name());
      host.must("ip", "route", "add", "default", "via", "10.79.0.1");
      double[] rates = new double[RUNS];
      List<Double> latencies = new ArrayList<>();
      for (int r = 0; r < RUNS; r++) {
        // A full bucket: 200 requests' worth refills in 2 s.
        Thread.sleep(2_100);
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-w", "\nT %{http_code} %{time_total}\n"));
        for (int i = 0; i < BURST; i++) {
          cmd.add("http://169.254.169.254/latest/meta-data/instance-id");
        }
        long start = System.nanoTime();
        String out = host.must(cmd.toArray(new String[0]));
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> lines = out.lines().filter(l -> l.startsWith("T ")).toList();
        if (lines.size() != BURST || lines.stream().anyMatch(l -> !l.startsWith("T 200 "))) {
          throw new IllegalStateException("not " + BURST + " answers of 200:\n" + out);
        }
        lines.forEach(l -> latencies.add(Double.parseDouble(l.substring(6)) * 1000));
        rates[r] = BURST / seconds;
        System.out.printf("metadata run %d: %.0f req/s%n", r + 1, rates[r]);
      }
      double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.println("machine: " + Machine.describe());
      results.add("metadata requests, one keep-alive connection (burst of 200)", "req/s", "> 200", rates,
          "curl in the host's namespace, through the TAP and the card's own TCP")
          .add("metadata request latency p50", "ms", "< 5", new double[] {percentile(sorted, 0.50)},
              RUNS * BURST + " requests, curl's time_total")
          .add("metadata request latency p99", "ms", "< 20", new double[] {percentile(sorted, 0.99)},
              RUNS * BURST + " requests, curl's time_total")
          .write();
    }
  }

  private static double percentile(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static String unavailable() throws Exception {
    if (!"0".equals(Netns.run("id", "-u").output())) {
      return "needs root for a namespace and a TAP device";
    }
    if (Netns.run("curl", "--version").status() != 0) {
      return "needs curl";
    }
    return new java.io.File("/dev/net/tun").exists() ? null : "no /dev/net/tun";
  }
}
