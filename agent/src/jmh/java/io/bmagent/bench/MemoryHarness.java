package io.bmagent.bench;

import io.bmagent.card.CardInfo;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.PortConfig;
import io.bmagent.card.RuleAction;
import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.net.SoftNetworkPort;
import io.bmagent.card.soft.net.SoftPipeline;
import io.bmagent.card.soft.net.conntrack.Timeouts;
import io.bmagent.card.soft.net.packet.Ethernet;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Tcp;
import io.bmagent.domain.StateHolder;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import io.bmagent.store.StateStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Heap used after a full GC, step by step: the agent's desired state with 100,000 mappings loaded from its store,
 * the soft card's port with the same mappings in its tables, then 1,000,000 connections opened in its conntrack by
 * SYNs through the pipeline (100,000 peers × 10 source ports). The conntrack clock is frozen so no entry expires
 * while the table fills. Each run measures in a fresh JVM. Goal: under 512 MiB.
 */
public final class MemoryHarness {

  private static final int MAPPINGS = Integer.getInteger("bench.memory.mappings", 100_000);
  private static final int CONNECTIONS = Integer.getInteger("bench.memory.connections", 1_000_000);
  private static final int RUNS = Integer.getInteger("bench.memory.runs", 3);
  private static final double MIB = 1024.0 * 1024.0;
  /** The soft card's own limits (SoftCard.LIMITS): 1,000,000 mappings and connections. */
  private static final CardInfo.Limits LIMITS = new CardInfo.Limits(16, 1, 4000, 400, 1_000_000, 1_000_000, 8);
  /** Entries per card call, as the reconciler batches them (MappingStep.BATCH). */
  private static final int CARD_BATCH = 50_000;
  private static final long HOST_MAC = 0x020000000001L;
  private static final int HOST_IP = Ipv4Address.parse("10.0.0.10").value();

  private MemoryHarness() {}

  public static void main(String[] args) throws Exception {
    // The audit line of every populating call would drown the table.
    Logger.getLogger("").setLevel(Level.WARNING);
    if (args.length == 2 && args[0].equals("--once")) {
      System.out.println(Arrays.stream(measure(Path.of(args[1]))).mapToObj(Long::toString)
          .collect(Collectors.joining(" ")));
      return;
    }
    Results results = new Results("memory");
    Path stateDir = Files.createTempDirectory("bm-agent-memory").resolve("state");
    try (LabState lab = new LabState()) {
      lab.populate(stateDir, 0, MAPPINGS);
    }
    double[][] steps = new double[4][RUNS];
    for (int r = 0; r < RUNS; r++) {
      long[] used = inFreshJvm(stateDir);
      for (int i = 0; i < used.length; i++) {
        steps[i][r] = (i == 0 ? used[0] : used[i] - used[i - 1]) / MIB;
      }
      System.out.printf("run %d: baseline %.1f MiB, + desired state %.1f, + card tables %.1f, + conntrack %.1f;"
          + " total %.1f MiB%n", r + 1, steps[0][r], steps[1][r], steps[2][r], steps[3][r], used[3] / MIB);
    }
    System.out.println("machine: " + Machine.describe());
    double[] total = new double[RUNS];
    double[] perConnection = new double[RUNS];
    for (int r = 0; r < RUNS; r++) {
      total[r] = steps[0][r] + steps[1][r] + steps[2][r] + steps[3][r];
      perConnection[r] = steps[3][r] * MIB / CONNECTIONS;
    }
    results.add("baseline: a fresh JVM before the store is opened", "MiB", "", steps[0], "")
        .add(String.format("+ desired state, %,d mappings", MAPPINGS), "MiB", "", steps[1], "loaded from the store")
        .add(String.format("+ soft card tables, %,d mappings", MAPPINGS), "MiB", "", steps[2], "")
        .add(String.format("+ conntrack, %,d connections", CONNECTIONS), "MiB", "", steps[3], "")
        .add("bytes per tracked connection", "B", "", perConnection, "the conntrack step over its connections")
        .add(String.format("heap with %,d mappings and %,d connections", MAPPINGS, CONNECTIONS), "MiB", "< 512",
            total, "used after a full GC, each run in a fresh JVM (-Xmx1g)")
        .write();
  }

  /** Heap used after GC at each step: nothing loaded, desired state, card tables, connections. */
  private static long[] measure(Path stateDir) throws Exception {
    long baseline = usedAfterGc();
    StateStore store = StateStore.open(stateDir);
    StateHolder desired = StateHolder.load(store, Clock.systemUTC());
    long withDesired = usedAfterGc();
    SoftNetworkPort port = port(desired);
    long withTables = usedAfterGc();
    int opened = connect(port);
    long withConnections = usedAfterGc();
    if (desired.mappings().size() != MAPPINGS || opened != CONNECTIONS) {
      throw new IllegalStateException("loaded " + desired.mappings().size() + " mappings, " + opened
          + " connections");
    }
    // What is measured must stay reachable until here.
    port.close();
    store.close();
    return new long[] {baseline, withDesired, withTables, withConnections};
  }

  /** {@link #measure} in a child JVM, so every run starts from the same empty heap; the lab target is not needed. */
  private static long[] inFreshJvm(Path stateDir) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), MemoryHarness.class.getName(), "--once", stateDir.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("the measuring JVM failed: " + out);
    }
    return Arrays.stream(out.split(" ")).mapToLong(Long::parseLong).toArray();
  }

  /** A port configured as the agent's reconciler leaves it: the NIC, a TCP-allowing policy and every mapping. */
  private static SoftNetworkPort port(StateHolder desired) {
    long now = System.nanoTime();
    SoftNetworkPort port = new SoftNetworkPort(LIMITS, Timeouts.CLOUD, () -> now);
    port.configure(new PortConfig("eni-1", new MacAddress(HOST_MAC), new Ipv4Address(HOST_IP),
        Ipv4Prefix.parse("10.0.0.0/8"), Ipv4Address.parse("10.0.0.1"), LabState.VNI, 1450,
        List.of(Ipv4Address.parse("10.0.0.2"))));
    port.applyRules(List.of(rule(PolicyTable.ACL_EGRESS), rule(PolicyTable.ACL_INGRESS),
        rule(PolicyTable.SG_EGRESS))).orThrow();
    desired.mappings().gateways().forEach(port::putGateway);
    List<VpcMapping> all = new ArrayList<>(desired.mappings().snapshot().values());
    for (int i = 0; i < all.size(); i += CARD_BATCH) {
      port.upsertMappings(all.subList(i, Math.min(all.size(), i + CARD_BATCH))).orThrow();
    }
    return port;
  }

  private static PolicyRule rule(PolicyTable table) {
    return new PolicyRule(table, 100, Protocol.ALL, Ipv4Prefix.parse("0.0.0.0/0"), PortRange.ALL, RuleAction.ALLOW,
        Ipv4Address.ANY);
  }

  /** Sends one SYN per new flow from the host to mapped peers; returns the connections the port then tracks. */
  private static int connect(SoftNetworkPort port) {
    SoftPipeline pipeline = port.pipeline((b, off, len) -> { }, (ip, sport, b, off, len) -> { });
    byte[] frame = new byte[SoftPipeline.HEADROOM + 54];
    int f = SoftPipeline.HEADROOM;
    int firstPeer = Ipv4Address.parse(LabState.peerIp(0)).value();
    for (int n = 0; n < CONNECTIONS; n++) {
      Ethernet.write(frame, f, 0x020000000064L, HOST_MAC, Ethernet.TYPE_IPV4);
      Ipv4.write(frame, f + 14, Ipv4.PROTO_TCP, HOST_IP, firstPeer + n % MAPPINGS, 20, 64);
      Tcp.write(frame, f + 34, 10_000 + n / MAPPINGS, 443, 1, 0, Tcp.SYN, 65535);
      Tcp.updateChecksum(frame, f + 14, f + 34, 20);
      pipeline.fromHost(frame, f, 54);
    }
    return (int) port.port().orElseThrow().stats().conntrackEntries();
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

}
