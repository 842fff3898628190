package io.bmagent.card.soft.net.tap;

import static io.bmagent.card.soft.net.tap.AgentsEndToEndTest.IP_A;
import static io.bmagent.card.soft.net.tap.AgentsEndToEndTest.IP_B;
import static io.bmagent.card.soft.net.tap.AgentsEndToEndTest.MAC_A;
import static io.bmagent.card.soft.net.tap.AgentsEndToEndTest.MAC_B;
import static io.bmagent.card.soft.net.tap.AgentsEndToEndTest.VNI;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.GetNetworkInterfaceRequest;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ListVpcMappingsRequest;
import io.bmagent.api.v1.ListVpcMappingsResponse;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.NetworkInterfacePhase;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.card.soft.SoftCard;
import io.bmagent.card.soft.SoftCardProvider;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import io.bmagent.net.MacAddress;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Resources;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents' soft cards whose underlay loses packets: the cards' mappings place each other's host at a
 * {@link LossyRelay} that drops a tenth of the datagrams each way, duplicates and reorders a few, and blacks out
 * completely for two seconds in the middle of a transfer:
 *
 * <pre>
 *   host A 10.77.0.10 ── card 127.0.1.2 ── relay 127.0.1.6 (B for A) / 127.0.1.7 (A for B) ── card 127.0.1.3 ── host B
 * </pre>
 *
 * Host A sends several MiB over TCP to host B, through its card's stateful security group (B's admits the port from
 * A; A's admits no TCP at all, so every acknowledgment and the reply travel back on the connection's conntrack
 * entry). The bytes must arrive intact, the overlay must carry pings and new connections once the wire heals, and
 * the agents must not notice: same mappings, everything ready, no packet dropped by either pipeline. Needs root.
 */
class LossyUnderlayTest {

  static final String CARD_A = "127.0.1.2";
  static final String CARD_B = "127.0.1.3";
  static final String RELAY_FOR_B = "127.0.1.6";
  static final String RELAY_FOR_A = "127.0.1.7";
  static final int PORT = 5001;
  static final int SIZE = 4 << 20;
  /**
   * A retransmission is lost with its acknowledgment about one time in five at this rate, and each loss doubles
   * TCP's timeout: a fifth of the datagrams lost each way took 4 to 9 s a run but would make a stall past the
   * transfer's deadline likely enough to fail a build now and then.
   */
  static final double LOSS = 0.10;
  static final double DUPLICATE = 0.02;
  static final double REORDER = 0.02;
  static final long BLACKOUT_MILLIS = 2_000;

  /** Receives connections one after another; answers and prints "bytes sha256" of each. Argument: port. */
  static final String SINK = """
      import hashlib, socket, sys
      s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      s.bind(('0.0.0.0', int(sys.argv[1]))); s.listen(8)
      print('ready', flush=True)
      while True:
          c, _ = s.accept(); c.settimeout(60); h = hashlib.sha256(); n = 0
          while True:
              d = c.recv(65536)
              if not d: break
              h.update(d); n += len(d)
          r = '%d %s' % (n, h.hexdigest())
          c.sendall((r + '\\n').encode()); c.close()
          print(r, flush=True)
      """;

  /**
   * Sends seeded random bytes, then waits for the sink's answer; prints "bytes sha256|answer|seconds". Arguments:
   * address, port, bytes, seed, timeout in seconds for the whole exchange.
   */
  static final String SOURCE = """
      import hashlib, random, socket, sys, time
      data = random.Random(int(sys.argv[4])).randbytes(int(sys.argv[3]))
      start = time.monotonic()
      c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[5]))
      c.sendall(data); c.shutdown(socket.SHUT_WR)
      answer = c.makefile().readline().strip()
      print('%d %s|%s|%.3f' % (len(data), hashlib.sha256(data).hexdigest(), answer, time.monotonic() - start))
      """;

  @TempDir Path dir;

  private final Resources resources = new Resources();

  @Test
  void bulkTransferCrossesALossyUnderlayIntact() throws Exception {
    Netns.assumeRootWithTun();
    assumeTrue(Netns.run("python3", "-c", "import random; random.Random(1).randbytes(1)").status() == 0,
        "skipped: the test hosts need python3.9 or later");
    run();
  }

  @AfterEach
  void closeResources() throws Exception {
    resources.close();
  }

  private void run() throws Exception {
    long id = ProcessHandle.current().pid() % 100_000;
    long seed = System.nanoTime();
    System.out.printf("lossy underlay: relay seed %d%n", seed);
    int port = VpcHosts.commonFreePort(CARD_A, CARD_B, RELAY_FOR_B, RELAY_FOR_A);
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0));
    resources.add(target::close);
    Subsystem subsystem = target.addSubsystem(AgentsEndToEndTest.NQN);
    int targetPort = target.start();

    Netns hostA = resources.add(new Netns("bmlu-a-" + id));
    Netns hostB = resources.add(new Netns("bmlu-b-" + id));
    LossyRelay relay = resources.add(new LossyRelay(new InetSocketAddress(RELAY_FOR_B, port),
        new InetSocketAddress(RELAY_FOR_A, port), new InetSocketAddress(CARD_A, port),
        new InetSocketAddress(CARD_B, port), seed));
    AgentFixture agentA = resources.add(new AgentFixture(dir.resolve("a"), card(CARD_A, port, hostA, "bmla" + id)));
    AgentFixture agentB = resources.add(new AgentFixture(dir.resolve("b"), card(CARD_B, port, hostB, "bmlb" + id)));

    agentA.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(VpcHosts.group(
        "sg-a", VpcHosts.ingress(Protocol.PROTOCOL_ICMP, "10.77.0.0/24", 0))).build());
    agentB.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(VpcHosts.group(
        "sg-b", VpcHosts.ingress(Protocol.PROTOCOL_ICMP, "10.77.0.0/24", 0),
        VpcHosts.ingress(Protocol.PROTOCOL_TCP, IP_A + "/32", PORT))).build());
    agentA.network.upsertVpcMappings(mapping(IP_B, MAC_B, RELAY_FOR_B));
    agentB.network.upsertVpcMappings(mapping(IP_A, MAC_A, RELAY_FOR_A));
    VpcHosts.provision(agentA, subsystem, targetPort,
        VpcHosts.nic("eni-a", MAC_A, IP_A, VNI, "sg-a"));
    VpcHosts.provision(agentB, subsystem, targetPort,
        VpcHosts.nic("eni-b", MAC_B, IP_B, VNI, "sg-b"));
    agentA.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    agentB.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    VpcHosts.bringUp(hostA, "bmla" + id, MAC_A, IP_A);
    VpcHosts.bringUp(hostB, "bmlb" + id, MAC_B, IP_B);
    assertEquals(0, hostA.exec("python3", "-c", HostScripts.PING, IP_B).status(), "A pings B through the relay");

    Process sinkProcess = hostB.start("python3", "-c", SINK, Integer.toString(PORT));
    resources.add(() -> {
      sinkProcess.destroy();
      sinkProcess.waitFor(5, TimeUnit.SECONDS);
    });
    BufferedReader sink = new BufferedReader(new InputStreamReader(sinkProcess.getInputStream(),
        StandardCharsets.UTF_8));
    assertEquals("ready", sink.readLine());

    // The first transfer runs while the JIT compiles the pipeline; only the second says what a clean wire carries.
    transfer(hostA, sink, SIZE, seed - 1);
    report("clean", SIZE, transfer(hostA, sink, SIZE, seed));
    Map<String, AgentFixture> agents = Map.of("eni-a", agentA, "eni-b", agentB);
    Map<String, Snapshot> before = new HashMap<>();
    agents.forEach((nic, f) -> before.put(nic, snapshot(f, nic)));

    relay.faults(LOSS, DUPLICATE, REORDER);
    String faulty = String.format("%.0f%% loss, %.0f%% duplicated, %.0f%% reordered", LOSS * 100, DUPLICATE * 100,
        REORDER * 100);
    report(faulty, SIZE, transfer(hostA, sink, SIZE, seed + 1));
    relay.blackoutAfter(SIZE / 3, BLACKOUT_MILLIS);
    report(String.format("%s, %.1f s blackout", faulty, BLACKOUT_MILLIS / 1000.0), SIZE,
        transfer(hostA, sink, SIZE, seed + 2));
    assertTrue(relay.blackedOut(), "the blackout began in the middle of the transfer");
    System.out.printf("lossy underlay: the first datagram crossed %d ms after the blackout ended%n",
        relay.resumedAfterMillis());
    LossyRelay.Counts faults = relay.counts();
    System.out.println("relay " + faults);
    assertTrue(faults.dropped() > 0 && faults.blackedOut() > 0 && faults.duplicated() > 0
        && faults.reordered() > 0, "the relay did all its faults: " + faults);

    relay.faults(0, 0, 0);
    assertEquals(0, hostA.exec("python3", "-c", HostScripts.PING, IP_B).status(), "A pings B after the blackout");
    assertEquals(0, hostB.exec("python3", "-c", HostScripts.PING, IP_A).status(), "B pings A after the blackout");
    report("healed after the blackout", 1 << 20, transfer(hostA, sink, 1 << 20, seed + 3));

    for (Map.Entry<String, AgentFixture> e : agents.entrySet()) {
      String nic = e.getKey();
      AgentFixture f = e.getValue();
      Snapshot after = snapshot(f, nic);
      Snapshot was = before.get(nic);
      assertEquals(was.mappings(), after.mappings(), "the overlay table is as the control plane left it");
      assertEquals(InstancePhase.INSTANCE_PHASE_RUNNING,
          f.instances.getInstance(GetInstanceRequest.getDefaultInstance()).getStatus().getPhase());
      assertEquals(NetworkInterfacePhase.NETWORK_INTERFACE_PHASE_READY, after.nic().getStatus().getPhase());
      assertTrue(after.nic().getStatus().getCommon().getConditionsList().stream()
          .anyMatch(c -> c.getType().equals("Ready") && c.getStatus()), "the NIC is ready: " + after.nic());
      assertEquals(was.nic().getGeneration(), after.nic().getGeneration());
      assertEquals(was.nic().getStatus().getPolicyVersion(), after.nic().getStatus().getPolicyVersion());
      assertEquals(was.failedTargets(), after.failedTargets(), "no reconcile target failed");
      assertEquals(was.drops(), after.drops(), "the pipeline dropped nothing itself: the relay did all the losing");
      System.out.println(nic + " " + after.nic().getStatus().getStats());
    }
  }

  /** What the agent says through its API, and its reconciler's failures, after a fresh pass. */
  record Snapshot(ListVpcMappingsResponse mappings, NetworkInterface nic, Map<String, Long> drops,
      long failedTargets) {}

  private static Snapshot snapshot(AgentFixture f, String nic) {
    long passes = f.agent.reconciler().passes();
    f.agent.reconciler().refresh();
    AgentFixture.awaitTrue(() -> f.agent.reconciler().passes() > passes, "a pass after the refresh");
    NetworkInterface n = f.network.getNetworkInterface(GetNetworkInterfaceRequest.newBuilder().setNicId(nic).build());
    Map<String, Long> drops = new HashMap<>(n.getStatus().getStats().getDropsMap());
    // The hosts' kernels send IPv6 router and neighbour solicitations on their own; the card drops them by design.
    drops.remove("ipv6");
    return new Snapshot(f.network.listVpcMappings(ListVpcMappingsRequest.getDefaultInstance()), n, drops,
        f.agent.reconciler().failedTargets());
  }

  /** Sends {@code size} bytes from A to B's sink and checks what arrived; returns the seconds it took. */
  private static double transfer(Netns from, BufferedReader sink, int size, long seed) throws Exception {
    Netns.Result r = from.exec("python3", "-c", SOURCE, IP_B, Integer.toString(PORT), Integer.toString(size),
        Long.toString(seed), "60");
    assertEquals(0, r.status(), "the transfer finished: " + r.output());
    String[] parts = r.output().split("\\|");
    assertTrue(parts[0].startsWith(size + " "), r.output());
    assertEquals(parts[0], parts[1], "B's answer: every byte arrived, in order");
    assertEquals(parts[0], sink.readLine(), "what B's sink counted and hashed");
    return Double.parseDouble(parts[2]);
  }

  private static void report(String what, int size, double seconds) {
    System.out.printf("lossy underlay: %d MiB over TCP, %s: %.2f s, %.1f Mbit/s%n", size >> 20, what, seconds,
        size * 8 / seconds / 1e6);
  }

  private static SoftCard card(String underlay, int port, Netns host, String tap) {
    return (SoftCard) new SoftCardProvider().open(Map.of("underlay", underlay, "underlay-port",
        Integer.toString(port), "host-netns", host.name, "host-tap", tap));
  }

  private static UpsertVpcMappingsRequest mapping(String ip, MacAddress mac, String underlay) {
    return UpsertVpcMappingsRequest.newBuilder()
        .addMappings(VpcMapping.newBuilder().setVni(VNI).setIp(ip).setMac(mac.toString()).setUnderlayIp(underlay))
        .build();
  }
}
