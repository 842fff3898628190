package io.bmagent.card.soft.net.tap;

import static io.bmagent.card.soft.net.tap.VpcHosts.bringUp;
import static io.bmagent.card.soft.net.tap.VpcHosts.commonFreePort;
import static io.bmagent.card.soft.net.tap.VpcHosts.group;
import static io.bmagent.card.soft.net.tap.VpcHosts.ingress;
import static io.bmagent.card.soft.net.tap.VpcHosts.nic;
import static io.bmagent.card.soft.net.tap.VpcHosts.provision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bmagent.api.v1.AclAction;
import io.bmagent.api.v1.AssociateElasticIpRequest;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.GetNetworkInterfaceRequest;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.NetworkAcl;
import io.bmagent.api.v1.NetworkAclEntry;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.PutNetworkAclRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.UpdateNetworkInterfaceRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VpcGateway;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.card.soft.SoftCard;
import io.bmagent.card.soft.SoftCardProvider;
import io.bmagent.card.soft.net.DropReason;
import io.bmagent.lab.gateway.VpcGatewayNode;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Resources;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VPC as a control plane builds it, through the gRPC API of three agents, each on a soft card whose host is a
 * network namespace behind a TAP, plus the lab's VPC gateway in front of an "internet" namespace:
 *
 * <pre>
 *   host A 10.77.0.10 ── card 127.0.0.2 ─┐
 *   host B 10.77.0.20 ── card 127.0.0.3 ─┼─ UDP underlay on loopback, one port ── gateway 127.0.0.4 ── internet
 *   host C 10.77.0.10 ── card 127.0.0.5 ─┘   (C: another VPC, A's address)       203.0.113.10, B's EIP 198.51.100.20
 * </pre>
 *
 * Hosts take their addresses from their cards' DHCP. Needs root; traffic stays on loopback and in the namespaces.
 */
class AgentsEndToEndTest {

  static final int VNI = 4242;
  static final int OTHER_VNI = 4343;
  static final String NQN = "nqn.2026-11.io.bmagent:e2e";
  static final MacAddress MAC_A = MacAddress.parse("02:00:0a:4d:00:0a");
  static final MacAddress MAC_B = MacAddress.parse("02:00:0a:4d:00:14");
  static final MacAddress MAC_C = MacAddress.parse("02:00:0a:4e:00:0a");
  static final MacAddress GATEWAY_MAC = MacAddress.parse("02:00:00:00:ff:01");
  static final MacAddress INTERNET_MAC = MacAddress.parse("02:00:cb:00:71:0a");
  static final String IP_A = "10.77.0.10";
  static final String IP_B = "10.77.0.20";
  static final String EIP_B = "198.51.100.20";
  static final String INTERNET_IP = "203.0.113.10";
  static final String CARD_A = "127.0.0.2";
  static final String CARD_B = "127.0.0.3";
  static final String GATEWAY = "127.0.0.4";
  static final String CARD_C = "127.0.0.5";

  /**
   * Accepts on the given ports; greets each connection with "hello" and the peer address it sees, then echoes.
   * Prints "ready" once listening. Arguments: ports.
   */
  static final String SERVER = """
      import socket, sys, threading, time
      def session(c, peer):
          c.sendall(('hello %s\\n' % peer[0]).encode())
          while True:
              d = c.recv(64)
              if not d: break
              c.sendall(d)
      def serve(s):
          while True:
              c, peer = s.accept(); threading.Thread(target=session, args=(c, peer), daemon=True).start()
      for p in sys.argv[1:]:
          s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
          s.bind(('0.0.0.0', int(p))); s.listen(8)
          threading.Thread(target=serve, args=(s,), daemon=True).start()
      print('ready', flush=True)
      time.sleep(120)
      """;

  /** Connects and prints the greeting; exit status 0 on success. Arguments: address, port, timeout in seconds. */
  static final String CONNECT = """
      import socket, sys
      c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3]))
      print(c.recv(64).decode().strip())
      """;

  /**
   * One connection kept open: prints the greeting, then sends each line of stdin and prints "echo" and the answer,
   * or "cut" when none comes within the timeout. Arguments: address, port, timeout in seconds.
   */
  static final String SESSION = """
      import socket, sys
      c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
      print(c.recv(64).decode().strip(), flush=True)
      c.settimeout(float(sys.argv[3]))
      for line in sys.stdin:
          try:
              c.sendall(line.encode()); print('echo ' + c.recv(64).decode().strip(), flush=True)
          except OSError:
              print('cut', flush=True)
      """;

  @TempDir Path dir;

  private final Resources resources = new Resources();

  @Test
  void vpcBuiltThroughTheApi() throws Exception {
    Netns.assumeRootWithTun();
    assumeTrue(Netns.run("python3", "-c", "print(1)").status() == 0, "skipped: the test hosts need python3");
    run();
  }

  @AfterEach
  void closeResources() throws Exception {
    resources.close();
  }

  private void run() throws Exception {
    long id = ProcessHandle.current().pid() % 100_000;
    int underlayPort = commonFreePort(CARD_A, CARD_B, GATEWAY, CARD_C);
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0));
    resources.add(target::close);
    Subsystem subsystem = target.addSubsystem(NQN);
    int targetPort = target.start();

    Netns hostA = resources.add(new Netns("bmae-a-" + id));
    Netns hostB = resources.add(new Netns("bmae-b-" + id));
    Netns hostC = resources.add(new Netns("bmae-c-" + id));
    Netns internet = resources.add(new Netns("bmae-i-" + id));
    SoftCard cardA = card(CARD_A, underlayPort, hostA, "bmea" + id);
    SoftCard cardB = card(CARD_B, underlayPort, hostB, "bmeb" + id);
    SoftCard cardC = card(CARD_C, underlayPort, hostC, "bmec" + id);
    AgentFixture agentA = resources.add(new AgentFixture(dir.resolve("a"), cardA));
    AgentFixture agentB = resources.add(new AgentFixture(dir.resolve("b"), cardB));
    AgentFixture agentC = resources.add(new AgentFixture(dir.resolve("c"), cardC));

    // The control plane: groups, mappings (each host to the other's card) and the gateway, instances, the EIP.
    agentA.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(group("sg-a",
        ingress(Protocol.PROTOCOL_ICMP, "10.77.0.0/24", 0))).build());
    agentB.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(sgB(IP_A + "/32"))
        .build());
    agentC.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(group("sg-c",
        ingress(Protocol.PROTOCOL_ICMP, "0.0.0.0/0", 0))).build());
    agentA.network.upsertVpcMappings(mappings(VNI, IP_B, MAC_B, CARD_B));
    agentB.network.upsertVpcMappings(mappings(VNI, IP_A, MAC_A, CARD_A));
    // Another VPC, whose table (wrongly or maliciously) points B's address at B's card: only the VNI separates them.
    agentC.network.upsertVpcMappings(mappings(OTHER_VNI, IP_B, MAC_B, CARD_B));
    provision(agentA, subsystem, targetPort, nic("eni-a", MAC_A, IP_A, VNI, "sg-a"));
    provision(agentB, subsystem, targetPort, nic("eni-b", MAC_B, IP_B, VNI, "sg-b"));
    provision(agentC, subsystem, targetPort, nic("eni-c", MAC_C, IP_A, OTHER_VNI, "sg-c"));
    agentB.network.associateElasticIp(AssociateElasticIpRequest.newBuilder().setNicId("eni-b").setPublicIp(EIP_B)
        .build());
    VpcGatewayNode gateway = resources.add(new VpcGatewayNode(Ipv4Address.parse(GATEWAY), underlayPort, GATEWAY_MAC,
        internet.name, "bmei" + id, INTERNET_MAC, List.of(new io.bmagent.card.VpcMapping(VNI,
            Ipv4Address.parse(EIP_B), MAC_B, Ipv4Address.parse(CARD_B)))));
    internet.must("ip", "link", "set", "lo", "up");
    internet.must("ip", "addr", "add", INTERNET_IP + "/24", "dev", "bmei" + id);
    internet.must("ip", "route", "add", "198.51.100.0/24", "via", "203.0.113.1");
    for (AgentFixture f : List.of(agentA, agentB, agentC)) {
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    }
    AgentFixture.awaitTrue(() -> cardB.network().rules().stream().anyMatch(r -> r.table() == PolicyTable.NAT),
        "B's elastic IP on its card");
    bringUp(hostA, "bmea" + id, MAC_A, IP_A);
    bringUp(hostB, "bmeb" + id, MAC_B, IP_B);
    bringUp(hostC, "bmec" + id, MAC_C, IP_A);

    assertEquals(0, hostA.exec("python3", "-c", HostScripts.PING, IP_B).status(), "A pings B");
    assertEquals(0, hostB.exec("python3", "-c", HostScripts.PING, IP_A).status(), "B pings A");

    long vniDrops = cardB.pipeline().counters().drops(DropReason.VNI_MISMATCH);
    assertNotEquals(0, hostC.exec("python3", "-c", HostScripts.PING, IP_B).status(),
        "C, in another VPC with A's address, cannot reach B");
    assertTrue(cardB.pipeline().counters().drops(DropReason.VNI_MISMATCH) > vniDrops,
        "B's card dropped C's packets for their VNI");
    assertEquals(0, hostB.exec("python3", "-c", HostScripts.PING, IP_A).status(), "B still reaches A, not C");

    server(hostB, "22", "80");
    assertEquals("hello " + IP_A, connect(hostA, IP_B, 22, 5), "TCP 22 from A, inside the group's CIDR");
    assertEquals("hello " + INTERNET_IP, connect(internet, EIP_B, 80, 5),
        "the internet reaches B's service through its elastic IP");
    long sgDrops = cardB.pipeline().counters().drops(DropReason.SECURITY_GROUP);
    assertEquals(null, connect(internet, EIP_B, 22, 1), "TCP 22 from outside the group's CIDR is refused");
    assertTrue(cardB.pipeline().counters().drops(DropReason.SECURITY_GROUP) > sgDrops);

    server(internet, "9000");
    assertEquals("hello " + EIP_B, connect(hostB, INTERNET_IP, 9000, 5),
        "B's connection to the internet leaves with its elastic IP as source");
    assertEquals(null, connect(hostA, INTERNET_IP, 9000, 1), "A has no elastic IP, so no way out");

    // A network ACL entry denying TCP 22 from A overrides the group that allows it; other traffic still passes.
    agentB.network.putNetworkAcl(PutNetworkAclRequest.newBuilder().setAcl(NetworkAcl.newBuilder().setAclId("acl-b")
        .addEntries(acl(10, Direction.DIRECTION_INGRESS, AclAction.ACL_ACTION_DENY, Protocol.PROTOCOL_TCP,
            IP_A + "/32", 22))
        .addEntries(acl(100, Direction.DIRECTION_INGRESS, AclAction.ACL_ACTION_ALLOW, Protocol.PROTOCOL_ALL,
            "0.0.0.0/0", 0))
        .addEntries(acl(100, Direction.DIRECTION_EGRESS, AclAction.ACL_ACTION_ALLOW, Protocol.PROTOCOL_ALL,
            "0.0.0.0/0", 0)))
        .build());
    setAcl(agentB, "eni-b", "acl-b");
    AgentFixture.awaitTrue(() -> cardB.network().rules().stream()
        .anyMatch(r -> r.table() == PolicyTable.ACL_INGRESS && r.action() == RuleAction.DENY), "the ACL on B's card");
    long aclDrops = cardB.pipeline().counters().drops(DropReason.ACL);
    assertEquals(null, connect(hostA, IP_B, 22, 1), "the ACL's deny wins over the group's allow");
    assertTrue(cardB.pipeline().counters().drops(DropReason.ACL) > aclDrops);
    assertEquals(0, hostA.exec("python3", "-c", HostScripts.PING, IP_B).status(), "the ACL lets ICMP through");
    setAcl(agentB, "eni-b", "");
    AgentFixture.awaitTrue(() -> cardB.network().rules().stream()
        .noneMatch(r -> r.table() == PolicyTable.ACL_INGRESS && r.action() == RuleAction.DENY), "the ACL removed");

    // An established connection survives a group update that still allows it, and is cut by one that does not.
    Process session = started(hostA.start("python3", "-c", SESSION, IP_B, "22", "2"));
    BufferedReader sessionOut = new BufferedReader(new InputStreamReader(session.getInputStream(),
        StandardCharsets.UTF_8));
    OutputStream sessionIn = session.getOutputStream();
    assertEquals("hello " + IP_A, sessionOut.readLine());
    assertEquals("echo one", say(sessionIn, sessionOut, "one"));
    agentB.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(sgB(IP_A + "/32")
        .toBuilder().addRules(ingress(Protocol.PROTOCOL_TCP, "0.0.0.0/0", 443))).build());
    AgentFixture.awaitTrue(() -> cardB.network().rules().stream().anyMatch(r -> r.ports().from() == 443),
        "the wider group on B's card");
    assertEquals("echo two", say(sessionIn, sessionOut, "two"), "still allowed: the connection lives on");
    sgDrops = cardB.pipeline().counters().drops(DropReason.SECURITY_GROUP);
    agentB.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(sgB("10.77.0.128/25"))
        .build());
    AgentFixture.awaitTrue(() -> cardB.network().rules().stream()
        .anyMatch(r -> r.remote().toString().equals("10.77.0.128/25")), "the narrower group on B's card");
    assertEquals("cut", say(sessionIn, sessionOut, "three"), "no longer allowed: the connection is cut");
    assertTrue(cardB.pipeline().counters().drops(DropReason.SECURITY_GROUP) > sgDrops);

    for (SoftCard c : List.of(cardA, cardB, cardC)) {
      System.out.println(c.info().serial() + " " + c.pipeline().port().orElseThrow().stats());
    }
    System.out.println("gateway dropped " + gateway.dropped());
  }

  private Process started(Process p) {
    resources.add(() -> {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    });
    return p;
  }

  /** Starts {@link #SERVER} in a namespace and waits until it listens. */
  private void server(Netns ns, String... ports) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("python3", "-c", SERVER));
    cmd.addAll(List.of(ports));
    Process p = started(ns.start(cmd.toArray(new String[0])));
    assertEquals("ready", new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
        .readLine());
  }

  /** The greeting of a new connection, or null when it cannot be made within {@code timeoutSeconds}. */
  private static String connect(Netns ns, String address, int port, int timeoutSeconds) throws Exception {
    Netns.Result r = ns.exec("python3", "-c", CONNECT, address, Integer.toString(port),
        Integer.toString(timeoutSeconds));
    return r.status() == 0 ? r.output() : null;
  }

  private static String say(OutputStream in, BufferedReader out, String line) throws Exception {
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
    return out.readLine();
  }

  private SoftCard card(String underlay, int port, Netns host, String tap) {
    SoftCard card = (SoftCard) new SoftCardProvider().open(Map.of("underlay", underlay, "underlay-port",
        Integer.toString(port), "host-netns", host.name, "host-tap", tap));
    return card;
  }

  private static void setAcl(AgentFixture f, String nicId, String aclId) {
    NetworkInterface nic = f.network.getNetworkInterface(GetNetworkInterfaceRequest.newBuilder().setNicId(nicId)
        .build());
    f.network.updateNetworkInterface(UpdateNetworkInterfaceRequest.newBuilder()
        .setSpec(nic.getSpec().toBuilder().setAclId(aclId)).setGeneration(nic.getGeneration()).build());
  }

  private static UpsertVpcMappingsRequest mappings(int vni, String ip, MacAddress mac, String card) {
    return UpsertVpcMappingsRequest.newBuilder()
        .addMappings(VpcMapping.newBuilder().setVni(vni).setIp(ip).setMac(mac.toString()).setUnderlayIp(card))
        .addGateways(VpcGateway.newBuilder().setVni(vni).setUnderlayIp(GATEWAY).setMac(GATEWAY_MAC.toString()))
        .build();
  }

  /** B's group: ICMP from the subnet, SSH only from {@code sshFrom}, the web from anywhere, all egress. */
  private static SecurityGroup sgB(String sshFrom) {
    return group("sg-b", ingress(Protocol.PROTOCOL_ICMP, "10.77.0.0/24", 0),
        ingress(Protocol.PROTOCOL_TCP, sshFrom, 22), ingress(Protocol.PROTOCOL_TCP, "0.0.0.0/0", 80));
  }

  /** @param port a TCP port, or 0 for every port */
  private static NetworkAclEntry acl(int priority, Direction direction, AclAction action, Protocol protocol,
      String cidr, int port) {
    NetworkAclEntry.Builder e = NetworkAclEntry.newBuilder().setPriority(priority).setDirection(direction)
        .setAction(action).setProtocol(protocol).setRemoteCidr(cidr);
    return port == 0 ? e.build() : e.setPorts(PortRange.newBuilder().setFrom(port).setTo(port)).build();
  }
}
