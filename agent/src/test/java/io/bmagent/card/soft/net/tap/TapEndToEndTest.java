package io.bmagent.card.soft.net.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bmagent.card.CardInfo;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.PortConfig;
import io.bmagent.card.RuleAction;
import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.net.DropReason;
import io.bmagent.card.soft.net.SoftNetworkPort;
import io.bmagent.card.soft.net.underlay.UdpUnderlay;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two soft cards on one machine (underlay 127.0.0.2 and 127.0.0.3), each with a host in its own network namespace
 * behind a TAP. The hosts take their addresses from the cards' DHCP, ping each other across the VXLAN overlay and
 * open TCP connections that a security group allows or refuses. Needs root; traffic stays inside the namespaces
 * and on loopback.
 */
class TapEndToEndTest {

  static final int VNI = 4242;
  static final String SUBNET = "10.77.0.0/24";
  static final MacAddress MAC_A = MacAddress.parse("02:00:0a:4d:00:0a");
  static final MacAddress MAC_B = MacAddress.parse("02:00:0a:4d:00:14");
  static final Ipv4Address IP_A = Ipv4Address.parse("10.77.0.10");
  static final Ipv4Address IP_B = Ipv4Address.parse("10.77.0.20");

  static PolicyRule rule(PolicyTable t, int prio, Protocol p, String cidr, PortRange ports) {
    return new PolicyRule(t, prio, p, Ipv4Prefix.parse(cidr), ports, RuleAction.ALLOW, Ipv4Address.ANY);
  }

  static SoftNetworkPort card(MacAddress mac, Ipv4Address ip, MacAddress peerMac, Ipv4Address peerIp,
      String peerCard) {
    SoftNetworkPort port = new SoftNetworkPort(new CardInfo.Limits(8, 1, 100, 100, 100, 1000, 4));
    port.configure(new PortConfig("nic", mac, ip, Ipv4Prefix.parse(SUBNET), Ipv4Address.parse("10.77.0.1"), VNI,
        1450, List.of(Ipv4Address.parse("10.77.0.2"))));
    port.upsertMappings(List.of(new VpcMapping(VNI, peerIp, peerMac, Ipv4Address.parse(peerCard)))).orThrow();
    port.applyRules(List.of(
        rule(PolicyTable.ACL_EGRESS, 100, Protocol.ALL, "0.0.0.0/0", PortRange.ALL),
        rule(PolicyTable.ACL_INGRESS, 100, Protocol.ALL, "0.0.0.0/0", PortRange.ALL),
        rule(PolicyTable.SG_EGRESS, 0, Protocol.ALL, "0.0.0.0/0", PortRange.ALL),
        rule(PolicyTable.SG_INGRESS, 0, Protocol.ICMP, SUBNET, PortRange.ALL))).orThrow();
    return port;
  }

  @Test
  void hostsTalkAcrossTheOverlay() throws Exception {
    Netns.assumeRootWithTun();
    assumeTrue(Netns.run("python3", "-c", "print(1)").status() == 0, "skipped: the test hosts need python3");

    long id = ProcessHandle.current().pid() % 100_000;
    try (Netns hostA = new Netns("bmsn-a-" + id); Netns hostB = new Netns("bmsn-b-" + id);
        SoftNetworkPort cardA = card(MAC_A, IP_A, MAC_B, IP_B, "127.0.0.3");
        SoftNetworkPort cardB = card(MAC_B, IP_B, MAC_A, IP_A, "127.0.0.2")) {
      UdpUnderlay underlayA = new UdpUnderlay(Ipv4Address.parse("127.0.0.2"), 0);
      int port = underlayA.localAddress().getPort();
      UdpUnderlay underlayB = new UdpUnderlay(Ipv4Address.parse("127.0.0.3"), port);
      TapHostPort tapA = new TapHostPort("bmta" + id);
      TapHostPort tapB = new TapHostPort("bmtb" + id);
      tapA.moveTo(hostA.name);
      tapB.moveTo(hostB.name);
      cardA.connect(tapA, underlayA);
      cardB.connect(tapB, underlayB);
      PolicyRule ssh = rule(PolicyTable.SG_INGRESS, 0, Protocol.TCP, "10.77.0.10/32", PortRange.single(22));
      cardB.applyRules(List.of(ssh)).orThrow();

      for (Object[] h : new Object[][] {{hostA, tapA, MAC_A}, {hostB, tapB, MAC_B}}) {
        Netns ns = (Netns) h[0];
        String tap = ((TapHostPort) h[1]).name();
        ns.must("ip", "link", "set", "lo", "up");
        ns.must("ip", "link", "set", tap, "address", h[2].toString());
        ns.must("ip", "link", "set", tap, "up");
        String lease = ns.must("python3", "-c", HostScripts.DHCP_CLIENT, tap, h[2].toString());
        String[] parts = lease.split(" ");
        ns.must("ip", "addr", "add", parts[0], "dev", tap);
        ns.must("ip", "link", "set", tap, "mtu", parts[2]);
        ns.must("ip", "route", "add", "default", "via", parts[1]);
        assertTrue(parts[0].endsWith("/24") && parts[2].equals("1450"), lease);
      }

      assertEquals(0, hostA.exec("python3", "-c", HostScripts.PING, IP_B.toString()).status(), "A pings B");
      assertEquals(0, hostB.exec("python3", "-c", HostScripts.PING, IP_A.toString()).status(), "B pings A");

      Process server = hostB.start("python3", "-c", HostScripts.TCP_SERVER, "22", "2222");
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
            StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());
        Netns.Result allowed = hostA.exec("python3", "-c", HostScripts.TCP_CLIENT, IP_B.toString(), "22");
        assertEquals(0, allowed.status(), "TCP 22 from A's address is allowed: " + allowed.output());
        assertEquals("hello", allowed.output());

        long before = cardB.counters().drops(DropReason.SECURITY_GROUP);
        assertNotEquals(0, hostA.exec("python3", "-c", HostScripts.TCP_CLIENT, IP_B.toString(), "2222").status(),
            "TCP 2222 is not allowed");
        cardB.removeRules(List.of(ssh)).orThrow();
        cardB.applyRules(List.of(rule(PolicyTable.SG_INGRESS, 0, Protocol.TCP, "10.77.0.128/25",
            PortRange.single(22)))).orThrow();
        assertNotEquals(0, hostA.exec("python3", "-c", HostScripts.TCP_CLIENT, IP_B.toString(), "22").status(),
            "TCP 22 from outside the allowed CIDR is refused");
        assertTrue(cardB.counters().drops(DropReason.SECURITY_GROUP) > before);
      } finally {
        server.destroy();
        server.waitFor(5, TimeUnit.SECONDS);
      }
      System.out.println("card A " + cardA.port().orElseThrow().stats());
      System.out.println("card B " + cardB.port().orElseThrow().stats());
    }
  }
}
