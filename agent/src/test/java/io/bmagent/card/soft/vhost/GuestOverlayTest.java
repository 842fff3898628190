package io.bmagent.card.soft.vhost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.GetVolumeRequest;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VolumePhase;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.card.soft.SoftCard;
import io.bmagent.card.soft.SoftCardProvider;
import io.bmagent.card.soft.net.DropReason;
import io.bmagent.card.soft.net.tap.Netns;
import io.bmagent.card.soft.net.tap.VpcHosts;
import io.bmagent.net.MacAddress;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Resources;
import io.bmagent.testing.Specs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real guest as the bare-metal host, with its cloud disks and its VPC: agent A's soft card boots QEMU on a boot
 * volume and a data volume (both virtio-blk from the lab target) and a NIC whose security group lets ICMP in and out,
 * TCP out to one port and TCP in on another only; agent B's card serves a host in a network namespace in the same
 * VPC:
 *
 * <pre>
 *   QEMU guest 10.78.0.10 ── vhost-user ── card A 127.0.0.12 ─┐
 *                                                             ├─ VXLAN over UDP on loopback, one port
 *   host B 10.78.0.20 (netns) ── TAP ───── card B 127.0.0.13 ─┘
 * </pre>
 *
 * The guest writes markers to its data disk, pings B across the overlay and connects to B on two ports; the test
 * then finds the markers on the target's namespace, and B pings the guest and connects to it on two ports. Each
 * refused connection shows in card A's drop counters, so a refusal for any other cause would fail the test.
 */
class GuestOverlayTest {

  static final int VNI = 4545;
  static final String NQN = "nqn.2026-11.io.bmagent:guest-overlay";
  static final String BOOT = "vol-guest-boot";
  static final String DATA = "vol-guest-data";
  static final long DATA_BYTES = 16 << 20;
  static final long FAR_BLOCK = 3000;
  static final String GUEST_IP = "10.78.0.10";
  static final String GUEST_MAC = "02:00:0a:4e:00:0a";
  static final String HOST_B_IP = "10.78.0.20";
  static final String HOST_B_MAC = "02:00:0a:4e:00:14";
  static final String CARD_A = "127.0.0.12";
  static final String CARD_B = "127.0.0.13";
  static final int ALLOWED_PORT = 7001;
  static final int REFUSED_PORT = 7002;
  static final int GUEST_ALLOWED_PORT = 22;
  static final int GUEST_REFUSED_PORT = 8080;
  static final String MARK_FIRST = "bm-agent data disk, block 0";
  static final String MARK_FAR = "bm-agent data disk, block " + FAR_BLOCK;

  /**
   * The guest's part: markers written and flushed on the data disk, three pings to B, a connection to each of B's
   * ports (busybox nc, 3 s to connect), each reported on the console; then listeners on two ports of its own that
   * greet with "hello-guest", the one its group refuses checked from inside the guest (the client's input stays open
   * a moment, for a busybox nc server that sees the client's end before its own greeting stops without it).
   */
  static final String GUEST_SCRIPT = """
      echo "%1$s" | dd of=/dev/vdb bs=4096 conv=fsync 2>/dev/null \\
        && echo "%2$s" | dd of=/dev/vdb bs=4096 seek=%3$d conv=fsync 2>/dev/null \\
        && echo "BMGUEST vdb write=ok" || echo "BMGUEST vdb write=fail"
      if ping -c 3 -W 2 %4$s >/tmp/ping 2>&1; then r=ok; else r=fail; fi
      echo "BMGUEST ping=$r $(grep -o 'min/avg/max = [^ ]*' /tmp/ping)"
      for p in %5$d %6$d; do
        out=$(nc -w 3 %4$s $p </dev/null 2>&1)
        echo "BMGUEST tcp $p status=$? $out"
      done
      ip link set lo up
      for p in %7$d %8$d; do
        (while true; do echo hello-guest | nc -l -p $p; done) </dev/null >/dev/null 2>&1 &
      done
      for i in 1 2 3 4 5 6 7 8 9 10; do
        out=$(sleep 2 | nc -w 3 127.0.0.1 %8$d 2>/dev/null) && [ -n "$out" ] && break
        sleep 1
      done
      echo "BMGUEST listening %8$d=$out"
      """.formatted(MARK_FIRST, MARK_FAR, FAR_BLOCK, HOST_B_IP, ALLOWED_PORT, REFUSED_PORT, GUEST_ALLOWED_PORT,
      GUEST_REFUSED_PORT);

  /** Greets each connection with "hello" and the peer's address, then closes it; prints "ready". Args: ports. */
  static final String SERVER = """
      import socket, sys, threading
      def serve(s):
          while True:
              c, peer = s.accept(); c.sendall(('hello %s\\n' % peer[0]).encode()); c.close()
      for p in sys.argv[1:]:
          s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
          s.bind(('0.0.0.0', int(p))); s.listen(8)
          threading.Thread(target=serve, args=(s,), daemon=True).start()
      print('ready', flush=True)
      threading.Event().wait()
      """;

  @TempDir Path dir;

  private final Resources resources = new Resources();

  @Test
  void guestUsesItsDisksAndTheOverlayWithinItsSecurityGroup() throws Exception {
    Guest.assumeAvailable();
    assumeTrue(Files.isReadable(Path.of("/dev/net/tun")), "skipped, host B's TAP needs /dev/net/tun");
    assumeTrue(Netns.run("python3", "-c", "print(1)").status() == 0, "skipped, host B's scripts need python3");
    run();
  }

  @AfterEach
  void closeResources() throws Exception {
    resources.close();
  }

  private void run() throws Exception {
    long id = ProcessHandle.current().pid() % 100_000;
    Path image = dir.resolve("image");
    Guest.build(image, GUEST_SCRIPT);
    GuestDisk disks = resources.add(GuestDisk.serve(image.resolve("rootfs.img"), NQN, BOOT));
    VolumeSpec data = disks.emptyVolume(DATA, VolumeRole.VOLUME_ROLE_DATA, DATA_BYTES);
    VolumeSpec bootB = disks.emptyVolume("vol-host-b", VolumeRole.VOLUME_ROLE_BOOT, 1 << 20);

    int underlayPort = VpcHosts.commonFreePort(CARD_A, CARD_B);
    Netns hostB = resources.add(new Netns("bmgo-b-" + id));
    String tapB = "bmgob" + id;
    SoftCard cardA = (SoftCard) new SoftCardProvider().open(Map.of("underlay", CARD_A,
        "underlay-port", Integer.toString(underlayPort), "vhost-user-dir", dir.resolve("vhost").toString(),
        "host-vhost-user", dir.resolve("nic.sock").toString(), "host-qemu", image.toString()));
    AgentFixture agentA = resources.add(new AgentFixture(dir.resolve("a"), cardA));
    // The guest outlives its card's software; the test's end is its end.
    resources.add(() -> cardA.qemuHost().orElseThrow().powerOff(true, Duration.ZERO));
    SoftCard cardB = (SoftCard) new SoftCardProvider().open(Map.of("underlay", CARD_B,
        "underlay-port", Integer.toString(underlayPort), "host-netns", hostB.name, "host-tap", tapB));
    AgentFixture agentB = resources.add(new AgentFixture(dir.resolve("b"), cardB));

    // The control plane: each side's group, each host mapped to the other's card, then the instances.
    agentA.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(group("sg-guest",
        rule(Direction.DIRECTION_INGRESS, Protocol.PROTOCOL_ICMP, 0),
        rule(Direction.DIRECTION_INGRESS, Protocol.PROTOCOL_TCP, GUEST_ALLOWED_PORT),
        rule(Direction.DIRECTION_EGRESS, Protocol.PROTOCOL_ICMP, 0),
        rule(Direction.DIRECTION_EGRESS, Protocol.PROTOCOL_TCP, ALLOWED_PORT))).build());
    agentB.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(group("sg-host-b",
        rule(Direction.DIRECTION_INGRESS, Protocol.PROTOCOL_ICMP, 0),
        rule(Direction.DIRECTION_INGRESS, Protocol.PROTOCOL_TCP, ALLOWED_PORT),
        rule(Direction.DIRECTION_INGRESS, Protocol.PROTOCOL_TCP, REFUSED_PORT),
        rule(Direction.DIRECTION_EGRESS, Protocol.PROTOCOL_ALL, 0))).build());
    agentA.network.upsertVpcMappings(mapping(HOST_B_IP, HOST_B_MAC, CARD_B));
    agentB.network.upsertVpcMappings(mapping(GUEST_IP, GUEST_MAC, CARD_A));
    agentB.instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-host-b")
        .setSpec(Specs.instance().toBuilder().setPrimaryNic(nic("eni-host-b", HOST_B_MAC, HOST_B_IP, "sg-host-b"))
            .setBootDisk(BootDisk.newBuilder().setCloudVolume(bootB)))
        .setStartAfterProvisioning(true).build());
    // The data volume is attached while the instance is stopped, before its first start, as a launch does.
    agentA.instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-guest")
        .setSpec(Specs.instance().toBuilder().setPrimaryNic(nic("eni-guest", GUEST_MAC, GUEST_IP, "sg-guest"))
            .setBootDisk(BootDisk.newBuilder().setCloudVolume(disks.spec)))
        .build());
    agentA.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED, 60);
    agentA.volumes.attachVolume(AttachVolumeRequest.newBuilder().setSpec(data).build());
    AgentFixture.awaitTrue(60, () -> agentA.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId(DATA)
        .build()).getStatus().getPhase() == VolumePhase.VOLUME_PHASE_ATTACHED, "the data volume attached");

    agentB.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING, 60);
    VpcHosts.bringUp(hostB, tapB, MacAddress.parse(HOST_B_MAC), HOST_B_IP);
    server(hostB);
    assertTrue(hostB.must("busybox", "nc", "-w", "3", HOST_B_IP, Integer.toString(REFUSED_PORT))
        .startsWith("hello " + HOST_B_IP), "B listens on the port the guest's group refuses");

    long sgDrops = cardA.pipeline().counters().drops(DropReason.SECURITY_GROUP);
    long start = System.nanoTime();
    agentA.instances.startInstance(StartInstanceRequest.newBuilder().setRequestId("start-1").build());
    agentA.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING, 120);
    QemuHost qemu = cardA.qemuHost().orElseThrow();
    String console = awaitDone(qemu, 300);
    long done = System.nanoTime();

    assertTrue(console.contains("BMGUEST root=/dev/vda serial=" + BOOT), console);
    assertTrue(console.contains("BMGUEST data vdb serial=" + DATA + " size=" + DATA_BYTES / 512), console);
    assertTrue(console.contains("BMGUEST eth0=" + GUEST_IP + "/24"), console);
    assertTrue(console.contains("BMGUEST vdb write=ok"), console);
    assertMarker(disks, data, 0, MARK_FIRST);
    assertMarker(disks, data, FAR_BLOCK, MARK_FAR);

    Matcher ping = Pattern.compile("BMGUEST ping=(\\w+)(?: min/avg/max = (\\S+))?").matcher(console);
    assertTrue(ping.find() && ping.group(1).equals("ok"), "the guest pings B across the overlay:\n" + console);
    assertTrue(console.contains("BMGUEST tcp " + ALLOWED_PORT + " status=0 hello " + GUEST_IP),
        "the group lets the guest reach B's allowed port, and B sees the guest's address:\n" + console);
    Matcher refused = Pattern.compile("BMGUEST tcp " + REFUSED_PORT + " status=(\\d+)(.*)").matcher(console);
    assertTrue(refused.find(), console);
    assertFalse(refused.group(1).equals("0") || refused.group(2).contains("hello"),
        "the group refuses the other port: " + refused.group());
    assertTrue(cardA.pipeline().counters().drops(DropReason.SECURITY_GROUP) > sgDrops,
        "card A dropped the refused connection for its group");

    // The other way: B reaches the guest by ICMP and on the port its group lets in, not on the other one.
    Netns.Result pingFromB = hostB.exec("busybox", "ping", "-c", "3", "-W", "2", GUEST_IP);
    assertEquals(0, pingFromB.status(), "B pings the guest: " + pingFromB.output());
    assertEquals("hello-guest", hostB.must("busybox", "nc", "-w", "3", GUEST_IP,
        Integer.toString(GUEST_ALLOWED_PORT)), "the group lets B in on port " + GUEST_ALLOWED_PORT);
    assertTrue(console.contains("BMGUEST listening " + GUEST_REFUSED_PORT + "=hello-guest"), console);
    sgDrops = cardA.pipeline().counters().drops(DropReason.SECURITY_GROUP);
    Netns.Result refusedIn = hostB.exec("busybox", "nc", "-w", "3", GUEST_IP, Integer.toString(GUEST_REFUSED_PORT));
    assertFalse(refusedIn.status() == 0 || refusedIn.output().contains("hello"),
        "the group keeps B out of port " + GUEST_REFUSED_PORT + ": " + refusedIn.output());
    assertTrue(cardA.pipeline().counters().drops(DropReason.SECURITY_GROUP) > sgDrops,
        "card A dropped B's connection for the guest's group");

    Matcher pingBack = Pattern.compile("min/avg/max = (\\S+)").matcher(pingFromB.output());
    Matcher uptime = Pattern.compile("BMGUEST-DONE uptime=(\\S+)").matcher(console);
    assertTrue(uptime.find());
    System.out.printf("Guest on two disks and the overlay: start to BMGUEST-DONE %d ms (guest uptime %s s), "
        + "ping RTT min/avg/max %s ms from the guest, %s ms from B%n", TimeUnit.NANOSECONDS.toMillis(done - start),
        uptime.group(1), ping.group(2), pingBack.find() ? pingBack.group(1) : "?");
  }

  private static void assertMarker(GuestDisk disks, VolumeSpec volume, long block, String marker) throws Exception {
    byte[] expected = (marker + "\n").getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(expected, disks.read(volume, block, expected.length),
        "the guest's write at block " + block + " is on the target's namespace");
  }

  /** The console once the guest reported DONE; fails with the console after {@code seconds}. */
  private static String awaitDone(QemuHost qemu, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      String log = Files.exists(qemu.console()) ? Files.readString(qemu.console()) : "";
      if (log.contains("BMGUEST-DONE")) {
        return log;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no BMGUEST-DONE in " + seconds + " s; console:\n" + log);
      }
      Thread.sleep(200);
    }
  }

  /** Starts {@link #SERVER} in host B's namespace on both ports and waits until it listens. */
  private void server(Netns ns) throws Exception {
    Process p = ns.start("python3", "-c", SERVER, Integer.toString(ALLOWED_PORT), Integer.toString(REFUSED_PORT));
    resources.add(() -> {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    });
    assertEquals("ready", new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
        .readLine());
  }

  private static NetworkInterfaceSpec nic(String id, String mac, String ip, String group) {
    return NetworkInterfaceSpec.newBuilder().setNicId(id).setMac(mac).setVpcId("vpc-guest").setVni(VNI)
        .setSubnetCidr("10.78.0.0/24").setGatewayIp("10.78.0.1").setPrivateIpv4(ip).addDnsServers("10.78.0.2")
        .addSecurityGroupIds(group).build();
  }

  private static UpsertVpcMappingsRequest mapping(String ip, String mac, String card) {
    return UpsertVpcMappingsRequest.newBuilder()
        .addMappings(VpcMapping.newBuilder().setVni(VNI).setIp(ip).setMac(mac).setUnderlayIp(card)).build();
  }

  private static SecurityGroup group(String id, SecurityGroupRule... rules) {
    return SecurityGroup.newBuilder().setSecurityGroupId(id).addAllRules(Arrays.asList(rules)).build();
  }

  /** A rule for the VPC's subnet; {@code port} a TCP port, or 0 for every port. */
  private static SecurityGroupRule rule(Direction direction, Protocol protocol, int port) {
    SecurityGroupRule.Builder r = SecurityGroupRule.newBuilder().setDirection(direction).setProtocol(protocol)
        .setRemoteCidr("10.78.0.0/24");
    return port == 0 ? r.build() : r.setPorts(PortRange.newBuilder().setFrom(port).setTo(port)).build();
  }
}
