package io.bmagent.card.soft.net;

import static io.bmagent.card.soft.net.PipelineFixture.HOST_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_CARD;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.VNI;
import static io.bmagent.card.soft.net.PipelineFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bmagent.card.CardInfo;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.net.packet.Icmp;
import io.bmagent.card.soft.net.packet.Tcp;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stateful security groups over connection tracking, and what a table change does to live connections. */
class PipelineStatefulTest {

  final PipelineFixture f = new PipelineFixture();

  void out(int sport, int dport, int flags) {
    f.host.inject(Frames.tcp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, sport, dport, flags));
  }

  void fromPeer(byte[] inner) {
    f.underlay.inject(PEER_CARD, Frames.vxlan(VNI, inner));
  }

  void in(int sport, int dport, int flags) {
    fromPeer(Frames.tcp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, sport, dport, flags));
  }

  @Test
  void repliesOfAllowedConnectionsPassAndOthersDoNot() {
    f.openAcls();
    f.apply(rule(PolicyTable.SG_EGRESS, 0, Protocol.TCP, "10.0.0.0/16", PortRange.single(80), RuleAction.ALLOW));
    out(40000, 80, Tcp.SYN);
    assertNotNull(f.underlay.poll());
    in(80, 40000, Tcp.SYN | Tcp.ACK);
    assertNotNull(f.host.poll(), "the reply passes without an ingress rule");
    in(80, 40001, Tcp.SYN);
    assertEquals(1, f.drops(DropReason.SECURITY_GROUP), "an unsolicited connection does not");
    in(80, 40002, Tcp.ACK);
    assertEquals(1, f.drops(DropReason.CONNTRACK_INVALID), "nor a segment of no tracked connection");
    out(40003, 443, Tcp.SYN);
    assertEquals(2, f.drops(DropReason.SECURITY_GROUP));
    assertNull(f.host.poll());
    assertEquals(1, f.port.port().orElseThrow().stats().conntrackEntries());
  }

  /** Flags no TCP sends together are invalid, as Linux conntrack's tcp_valid_flags says: not tracked, not passed. */
  @Test
  void invalidFlagCombinationsAreNotTracked() {
    f.openAcls();
    f.apply(rule(PolicyTable.SG_INGRESS, 0, Protocol.TCP, "0.0.0.0/0", PortRange.single(22), RuleAction.ALLOW),
        rule(PolicyTable.SG_EGRESS, 0, Protocol.TCP, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW));
    int[] invalid = {Tcp.SYN | Tcp.FIN, Tcp.SYN | Tcp.RST, Tcp.SYN | Tcp.FIN | Tcp.PSH | Tcp.URG, 0, Tcp.FIN,
        Tcp.FIN | Tcp.PSH | Tcp.URG, Tcp.SYN | Tcp.ACK | Tcp.URG, Tcp.RST | Tcp.ACK | Tcp.URG};
    for (int i = 0; i < invalid.length; i++) {
      in(50000 + i, 22, invalid[i]);
      assertNull(f.host.poll(), "flags " + Integer.toHexString(invalid[i]));
    }
    assertEquals(invalid.length, f.drops(DropReason.CONNTRACK_INVALID));
    assertEquals(0, f.port.port().orElseThrow().stats().conntrackEntries(), "none was tracked");

    in(50100, 22, Tcp.SYN | Tcp.PSH);
    assertNotNull(f.host.poll(), "PSH aside, a SYN opens the connection");
    out(22, 50100, Tcp.SYN | Tcp.ACK);
    assertNotNull(f.underlay.poll());
    out(22, 50100, Tcp.SYN | Tcp.FIN);
    assertNull(f.underlay.poll(), "an invalid segment of a tracked connection is dropped too");
    out(22, 50100, Tcp.ACK | Tcp.FIN);
    assertNotNull(f.underlay.poll());
  }

  @Test
  void ingressRuleAllowsOnlyItsPortFromItsCidr() {
    f.openAcls();
    f.apply(rule(PolicyTable.SG_INGRESS, 0, Protocol.TCP, "10.0.0.16/28", PortRange.single(22), RuleAction.ALLOW));
    in(50000, 22, Tcp.SYN);
    assertNotNull(f.host.poll());
    out(22, 50000, Tcp.SYN | Tcp.ACK);
    assertNotNull(f.underlay.poll(), "the host's answer leaves without an egress rule");
    in(50001, 23, Tcp.SYN);
    f.port.upsertMappings(List.of(new VpcMapping(VNI, Ipv4Address.parse("10.0.0.40"), new MacAddress(PEER_MAC),
        new Ipv4Address(PEER_CARD)))).orThrow();
    f.underlay.inject(PEER_CARD, Frames.vxlan(VNI,
        Frames.tcp(PEER_MAC, HOST_MAC, PipelineFixture.ip("10.0.0.40"), HOST_IP, 50002, 22, Tcp.SYN)));
    assertEquals(2, f.drops(DropReason.SECURITY_GROUP));
  }

  @Test
  void tableChangeKeepsAllowedConnectionsAndCutsTheOthers() {
    f.openAcls();
    PolicyRule http = rule(PolicyTable.SG_EGRESS, 0, Protocol.TCP, "0.0.0.0/0", PortRange.single(80),
        RuleAction.ALLOW);
    PolicyRule https = rule(PolicyTable.SG_EGRESS, 0, Protocol.TCP, "0.0.0.0/0", PortRange.single(443),
        RuleAction.ALLOW);
    f.apply(http, https);
    for (int port : new int[] {80, 443}) {
      out(40000 + port, port, Tcp.SYN);
      in(port, 40000 + port, Tcp.SYN | Tcp.ACK);
      out(40000 + port, port, Tcp.ACK);
    }
    f.port.removeRules(List.of(http)).orThrow();
    out(40443, 443, Tcp.ACK | Tcp.PSH);
    in(443, 40443, Tcp.ACK);
    assertEquals(0, f.drops(DropReason.SECURITY_GROUP), "443 is still allowed and keeps flowing");
    in(80, 40080, Tcp.ACK);
    assertEquals(1, f.drops(DropReason.SECURITY_GROUP), "80 is no longer allowed: cut");
    out(40080, 80, Tcp.ACK);
    assertEquals(1, f.drops(DropReason.CONNTRACK_INVALID), "and forgotten");
    out(40081, 80, Tcp.SYN);
    assertEquals(2, f.drops(DropReason.SECURITY_GROUP), "new connections see the change at once");
  }

  /** What a lossy underlay makes of one connection: segments twice, out of order, and late after a silence. */
  @Test
  void duplicatedReorderedAndLateSegmentsKeepTheConnection() {
    f.openAcls();
    f.apply(rule(PolicyTable.SG_INGRESS, 0, Protocol.TCP, "10.0.0.0/24", PortRange.single(22), RuleAction.ALLOW));
    in(50000, 22, Tcp.SYN);
    in(50000, 22, Tcp.SYN);
    out(22, 50000, Tcp.SYN | Tcp.ACK);
    out(22, 50000, Tcp.SYN | Tcp.ACK);
    in(50000, 22, Tcp.ACK | Tcp.PSH);
    in(50000, 22, Tcp.ACK);
    in(50000, 22, Tcp.SYN);
    f.advanceSeconds(60);
    in(50000, 22, Tcp.ACK | Tcp.PSH);
    out(22, 50000, Tcp.ACK);
    in(50000, 22, Tcp.FIN | Tcp.ACK);
    in(50000, 22, Tcp.ACK | Tcp.PSH);
    out(22, 50000, Tcp.FIN | Tcp.ACK);
    in(50000, 22, Tcp.FIN | Tcp.ACK);
    in(50000, 22, Tcp.ACK);
    in(50000, 22, Tcp.ACK);
    int delivered = 0;
    while (f.host.poll() != null) {
      delivered++;
    }
    int sent = 0;
    while (f.underlay.poll() != null) {
      sent++;
    }
    assertEquals(11, delivered, "every segment from the peer reached the host, copies and latecomers too");
    assertEquals(4, sent);
    assertEquals(Map.of(), f.port.port().orElseThrow().stats().drops());
    assertEquals(1, f.port.port().orElseThrow().stats().conntrackEntries());
  }

  @Test
  void udpAndIcmpExpireAfterThirtySeconds() {
    f.openAcls();
    f.apply(rule(PolicyTable.SG_EGRESS, 0, Protocol.ALL, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW));
    f.host.inject(Frames.udp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 5000, 53, new byte[4]));
    f.host.inject(Frames.ping(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, Icmp.ECHO_REQUEST, 7));
    f.advanceSeconds(29);
    fromPeer(Frames.udp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 53, 5000, new byte[4]));
    fromPeer(Frames.ping(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, Icmp.ECHO_REPLY, 7));
    assertNotNull(f.host.poll());
    assertNotNull(f.host.poll());
    f.advanceSeconds(31);
    fromPeer(Frames.udp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 53, 5000, new byte[4]));
    fromPeer(Frames.ping(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, Icmp.ECHO_REPLY, 7));
    assertNull(f.host.poll());
    assertEquals(2, f.drops(DropReason.SECURITY_GROUP));
  }

  @Test
  void fullTableOfAnsweredFlowsRefusesNewConnectionsUntilSomeExpire() {
    PipelineFixture small = new PipelineFixture(new CardInfo.Limits(8, 1, 100, 100, 100, 2, 4));
    small.openAcls();
    small.apply(rule(PolicyTable.SG_EGRESS, 0, Protocol.ALL, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW));
    for (int p = 1; p <= 2; p++) {
      small.host.inject(Frames.udp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, p, 53, new byte[4]));
      small.underlay.inject(PEER_CARD, Frames.vxlan(VNI, Frames.udp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 53, p,
          new byte[4])));
    }
    small.host.inject(Frames.udp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 3, 53, new byte[4]));
    assertEquals(1, small.drops(DropReason.CONNTRACK_FULL), "answered flows are not evicted");
    small.advanceSeconds(31);
    small.host.inject(Frames.udp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 4, 53, new byte[4]));
    assertEquals(1, small.drops(DropReason.CONNTRACK_FULL));
    assertEquals(1, small.port.port().orElseThrow().stats().conntrackEntries());
  }

  @Test
  void fullTableEvictsAnUnansweredFlowForANewOne() {
    PipelineFixture small = new PipelineFixture(new CardInfo.Limits(8, 1, 100, 100, 100, 2, 4));
    small.openAcls();
    small.apply(rule(PolicyTable.SG_EGRESS, 0, Protocol.ALL, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW));
    small.host.inject(Frames.udp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 1, 53, new byte[4]));
    small.underlay.inject(PEER_CARD, Frames.vxlan(VNI, Frames.udp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 53, 1,
        new byte[4])));
    for (int p = 2; p <= 5; p++) {
      small.host.inject(Frames.udp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, p, 53, new byte[4]));
    }
    assertEquals(0, small.drops(DropReason.CONNTRACK_FULL));
    assertEquals(3, small.port.port().orElseThrow().stats().conntrackEvictions());
    small.underlay.inject(PEER_CARD, Frames.vxlan(VNI, Frames.udp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 53, 1,
        new byte[4])));
    small.host.poll();
    assertNotNull(small.host.poll(), "the answered flow kept its entry");
  }
}
