package io.bmagent.card.soft.net.underlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.bmagent.card.CardInfo;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.PortConfig;
import io.bmagent.card.RuleAction;
import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.net.MemoryHostPort;
import io.bmagent.card.soft.net.SoftNetworkPort;
import io.bmagent.card.soft.net.packet.Ethernet;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Tcp;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two soft cards on loopback underlay addresses, hosts in memory: a TCP handshake crosses the real UDP overlay. */
class TwoCardsTest {

  static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:01:0a");
  static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:01:14");
  static final Ipv4Address IP_A = Ipv4Address.parse("10.1.0.10");
  static final Ipv4Address IP_B = Ipv4Address.parse("10.1.0.20");

  static SoftNetworkPort card(MacAddress mac, Ipv4Address ip, MacAddress peerMac, Ipv4Address peerIp,
      String peerCard) {
    SoftNetworkPort port = new SoftNetworkPort(new CardInfo.Limits(8, 1, 100, 100, 100, 100, 4));
    port.configure(new PortConfig("nic", mac, ip, Ipv4Prefix.parse("10.1.0.0/24"), Ipv4Address.parse("10.1.0.1"),
        77, 1450, List.of()));
    port.upsertMappings(List.of(new VpcMapping(77, peerIp, peerMac, Ipv4Address.parse(peerCard)))).orThrow();
    port.applyRules(List.of(
        rule(PolicyTable.ACL_EGRESS, 1, Protocol.ALL, PortRange.ALL),
        rule(PolicyTable.ACL_INGRESS, 1, Protocol.ALL, PortRange.ALL),
        rule(PolicyTable.SG_EGRESS, 0, Protocol.ALL, PortRange.ALL),
        rule(PolicyTable.SG_INGRESS, 0, Protocol.TCP, PortRange.single(22)))).orThrow();
    return port;
  }

  static PolicyRule rule(PolicyTable t, int prio, Protocol p, PortRange ports) {
    return new PolicyRule(t, prio, p, Ipv4Prefix.parse("10.1.0.0/24"), ports, RuleAction.ALLOW, Ipv4Address.ANY);
  }

  static byte[] tcp(MacAddress src, MacAddress dst, Ipv4Address from, Ipv4Address to, int sp, int dp, int flags) {
    byte[] b = new byte[54];
    Ethernet.write(b, 0, dst.value(), src.value(), Ethernet.TYPE_IPV4);
    Ipv4.write(b, 14, Ipv4.PROTO_TCP, from.value(), to.value(), 20, 64);
    Tcp.write(b, 34, sp, dp, 1, 0, flags, 1000);
    Tcp.updateChecksum(b, 14, 34, 20);
    return b;
  }

  static byte[] await(MemoryHostPort host) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      byte[] f = host.poll();
      if (f != null) {
        return f;
      }
      Thread.sleep(10);
    }
    return null;
  }

  @Test
  void handshakeCrossesTheOverlay() throws Exception {
    try (SoftNetworkPort a = card(MAC_A, IP_A, MAC_B, IP_B, "127.0.0.3");
        SoftNetworkPort b = card(MAC_B, IP_B, MAC_A, IP_A, "127.0.0.2")) {
      UdpUnderlay underlayA = new UdpUnderlay(Ipv4Address.parse("127.0.0.2"), 0);
      UdpUnderlay underlayB = new UdpUnderlay(Ipv4Address.parse("127.0.0.3"), underlayA.localAddress().getPort());
      MemoryHostPort hostA = new MemoryHostPort();
      MemoryHostPort hostB = new MemoryHostPort();
      a.connect(hostA, underlayA);
      b.connect(hostB, underlayB);

      hostA.inject(tcp(MAC_A, MAC_B, IP_A, IP_B, 40000, 22, Tcp.SYN));
      byte[] syn = await(hostB);
      assertNotNull(syn, "SYN reached B");
      assertEquals(MAC_B.value(), Ethernet.dst(syn, 0));
      assertEquals(MAC_A.value(), Ethernet.src(syn, 0));
      hostB.inject(tcp(MAC_B, MAC_A, IP_B, IP_A, 22, 40000, Tcp.SYN | Tcp.ACK));
      byte[] synAck = await(hostA);
      assertNotNull(synAck, "SYN-ACK reached A");
      assertEquals(Tcp.SYN | Tcp.ACK, Tcp.flags(synAck, 34));
      assertEquals(1, a.port().orElseThrow().stats().conntrackEntries());
      assertEquals(1, b.port().orElseThrow().stats().conntrackEntries());
    }
  }
}
