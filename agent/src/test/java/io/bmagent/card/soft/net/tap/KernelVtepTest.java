package io.bmagent.card.soft.net.tap;

import static io.bmagent.card.soft.net.tap.KernelPeer.HOST_IP;
import static io.bmagent.card.soft.net.tap.KernelPeer.PEER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.soft.net.DropReason;
import io.bmagent.card.soft.net.PortCounters;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The soft card against the Linux kernel's VXLAN device as the remote card ({@link KernelPeer}), at the usual
 * underlay MTU of 1500: ping and TCP both ways, the outer source ports of RFC 7348, 5.
 */
class KernelVtepTest {

  private KernelPeer net;

  @BeforeEach
  void start() throws Exception {
    KernelPeer.assumeRoot();
    net = new KernelPeer(1500, 1500, 1000);
  }

  @AfterEach
  void stop() throws Exception {
    if (net != null) {
      System.out.println("card " + net.card.port().orElseThrow().stats());
      net.close();
    }
  }

  @Test
  void pingAndTcpBothWays() throws Exception {
    assertEquals(1450, net.hostMtu, "DHCP announces what a 1500-byte underlay carries, not the port's 1500");
    net.host.must("ping", "-c", "2", "-W", "3", PEER_IP);
    net.peer.must("ping", "-c", "2", "-W", "3", HOST_IP);
    tcp(net.peer, net.host, PEER_IP);
    tcp(net.host, net.peer, HOST_IP);
  }

  /**
   * RFC 7348, 5: the outer source port is a hash of the inner flow, in the dynamic range, so that the underlay's
   * ECMP and the receiver's RSS spread a host's flows. Seen on the wire, at the kernel peer's veth.
   */
  @Test
  void eachFlowLeavesFromItsOwnSourcePort() throws Exception {
    Netns.Capture capture = net.peer.capture(30, "-i", net.peerVeth, "-n", "-l", "-c", "24",
        "udp and src host " + net.cardUnderlay + " and dst port " + net.port);
    BufferedReader out = capture.lines();
    net.host.must("python3", "-c", FLOWS, PEER_IP, "24");
    Pattern packet = Pattern.compile("\\.(\\d+) > [0-9.]+\\.(\\d+): ");
    Set<Integer> ports = new HashSet<>();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      Matcher m = packet.matcher(line);
      if (m.find()) {
        int sourcePort = Integer.parseInt(m.group(1));
        assertTrue(sourcePort >= 49152 && sourcePort <= 65535, "source port in the dynamic range: " + line);
        ports.add(sourcePort);
      }
    }
    capture.process().waitFor(30, TimeUnit.SECONDS);
    assertTrue(ports.size() >= 16, "24 flows over at least 16 source ports: " + ports);
  }

  /** Datagrams larger than the path's MTU leave the hosts as IPv4 fragments; they pass in both directions. */
  @Test
  void fragmentedPingBothWays() throws Exception {
    net.host.must("ping", "-c", "2", "-W", "3", "-s", "3000", PEER_IP);
    net.peer.must("ping", "-c", "2", "-W", "3", "-s", "3000", HOST_IP);
    assertEquals(0, net.card.counters().drops(DropReason.FRAGMENT), "no fragment dropped");
  }

  /**
   * RFC 7348, 6.1: a decapsulated frame with an 802.1Q tag is dropped, and so is a frame to another host's MAC; the
   * same echo request untagged and to the host's MAC reaches it. Crafted on the kernel peer's VXLAN device.
   */
  @Test
  void taggedAndMisaddressedFramesAreNotDelivered() throws Exception {
    PortCounters c = net.card.counters();
    long delivered = c.stats(0).rxPackets();
    send(KernelPeer.HOST_MAC.toString(), 7);
    waitFor(() -> c.drops(DropReason.VLAN) == 1, "the tagged frame is dropped as vlan");
    send("02:00:0a:4d:00:99", 0);
    waitFor(() -> c.drops(DropReason.NOT_FOR_HOST_MAC) == 1, "the frame to another MAC is dropped");
    assertEquals(delivered, c.stats(0).rxPackets(), "neither reached the host");
    send(KernelPeer.HOST_MAC.toString(), 0);
    waitFor(() -> c.stats(0).rxPackets() > delivered, "the well-formed frame reaches the host");
  }

  private void send(String dstMac, int vlan) throws Exception {
    net.peer.must("python3", "-c", ECHO_FRAME, KernelPeer.VXLAN, dstMac, KernelPeer.PEER_MAC.toString(), PEER_IP,
        HOST_IP, Integer.toString(vlan));
  }

  static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
      Thread.sleep(100);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  /** Writes an ICMP echo request frame on a packet socket. Arguments: interface, dst MAC, src MAC, src, dst, VLAN. */
  static final String ECHO_FRAME = """
      import socket, struct, sys
      ifc, dmac, smac, src, dst, vlan = sys.argv[1:7]
      def csum(b):
          t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
          while t >> 16: t = (t & 0xffff) + (t >> 16)
          return ~t & 0xffff
      icmp = struct.pack('!BBHHH', 8, 0, 0, 0x4343, 1) + b'bm-agent'
      icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
      ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0, socket.inet_aton(src),
                       socket.inet_aton(dst))
      ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
      tag = struct.pack('!HH', 0x8100, int(vlan)) if int(vlan) else b''
      eth = bytes.fromhex(dmac.replace(':', '')) + bytes.fromhex(smac.replace(':', '')) + tag + b'\\x08\\x00'
      s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind((ifc, 0)); s.send(eth + ip + icmp)
      """;

  /** Sends one UDP datagram to port 9 of argv[1] from each of argv[2] source ports. */
  static final String FLOWS = """
      import socket, sys
      for i in range(int(sys.argv[2])):
          s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', 40000 + i))
          s.sendto(b'flow', (sys.argv[1], 9)); s.close()
      """;

  /** A TCP server in {@code server} greets a client in {@code client}. */
  static void tcp(Netns server, Netns client, String serverIp) throws Exception {
    Process p = server.start("python3", "-c", HostScripts.TCP_SERVER, "7000");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("ready", out.readLine());
      Netns.Result r = client.exec("python3", "-c", HostScripts.TCP_CLIENT, serverIp, "7000");
      assertEquals(0, r.status(), "TCP to " + serverIp + ": " + r.output());
      assertTrue(r.output().contains("hello"), r.output());
    } finally {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
