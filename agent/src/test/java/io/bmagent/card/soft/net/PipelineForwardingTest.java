package io.bmagent.card.soft.net;

import static io.bmagent.card.soft.net.PipelineFixture.ELASTIC_IP;
import static io.bmagent.card.soft.net.PipelineFixture.GATEWAY_CARD;
import static io.bmagent.card.soft.net.PipelineFixture.GATEWAY_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_CARD;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.INTERNET_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.VNI;
import static io.bmagent.card.soft.net.PipelineFixture.rule;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.card.soft.net.packet.Bytes;
import io.bmagent.card.soft.net.packet.Hex;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Tcp;
import io.bmagent.card.soft.net.packet.Udp;
import io.bmagent.card.soft.net.packet.Vxlan;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Routing, encapsulation, NAT and the stateless ACLs, checked on the bytes that leave the card. */
class PipelineForwardingTest {

  final PipelineFixture f = new PipelineFixture();

  void allowAllSecurityGroups() {
    f.apply(rule(PolicyTable.SG_EGRESS, 0, Protocol.ALL, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW),
        rule(PolicyTable.SG_INGRESS, 0, Protocol.ALL, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW));
  }

  @Test
  void encapsulatesToThePeersCardByteForByte() {
    f.openAcls();
    allowAllSecurityGroups();
    byte[] syn = Frames.tcp(HOST_MAC, 0x02000000ffffL, HOST_IP, PEER_IP, 40000, 22, Tcp.SYN);
    f.host.inject(syn);
    byte[] out = f.underlay.poll();
    assertNotNull(out);
    int sport = Vxlan.sourcePort(HOST_IP, PEER_IP, 6, 40000, 22);
    String outer = "02ee000000fe" + "02ee00000002" + "0800"
        + "4500005a" + "00000000" + "4011" + "%04x" + "7f000002" + "7f000003"
        + "%04x" + "12b5" + "0046" + "0000"
        + "08000000" + "00006400";
    byte[] hdr = Arrays.copyOf(out, 50);
    Bytes.put16(hdr, 24, 0);
    int ipSum = io.bmagent.card.soft.net.packet.Checksum.of(hdr, 14, 20);
    assertEquals(String.format(outer, ipSum, sport), Hex.of(out, 0, 50));
    assertEquals("020000000014" + "02000000000a" + "0800", Hex.of(out, 50, 14), "inner MACs: peer's and host's");
    assertEquals(Hex.of(syn, 14, 40), Hex.of(out, 64, 40), "the inner IP packet is untouched");
  }

  @Test
  void leavesThroughTheGatewayAsTheElasticIpAndComesBack() {
    f.openAcls();
    allowAllSecurityGroups();
    f.apply(PipelineFixture.nat());
    byte[] query = Frames.udp(HOST_MAC, GATEWAY_MAC, HOST_IP, INTERNET_IP, 5353, 53, "hello".getBytes());
    f.host.inject(query);
    byte[] out = f.underlay.poll();
    assertEquals(GATEWAY_CARD, Ipv4.dst(out, 14));
    assertEquals(GATEWAY_MAC, Bytes.u48(out, 50));
    int ip = 64;
    assertEquals(ELASTIC_IP, Ipv4.src(out, ip));
    assertTrue(Ipv4.valid(out, ip, 33));
    assertTrue(Udp.checksumValid(out, ip, ip + 20, 13));

    byte[] answer = Frames.udp(GATEWAY_MAC, HOST_MAC, INTERNET_IP, ELASTIC_IP, 53, 5353, "world".getBytes());
    f.underlay.inject(GATEWAY_CARD, Frames.vxlan(VNI, answer));
    byte[] in = f.host.poll();
    assertNotNull(in);
    assertEquals(HOST_MAC, Bytes.u48(in, 0), "delivered to the port's MAC");
    assertEquals(GATEWAY_MAC, Bytes.u48(in, 6));
    assertEquals(HOST_IP, Ipv4.dst(in, 14));
    assertTrue(Ipv4.valid(in, 14, in.length - 14));
    assertTrue(Udp.checksumValid(in, 14, 34, 13));
    assertEquals(2L, f.port.ruleHits().get(PipelineFixture.nat()), "one packet out, one in");
  }

  @Test
  void aPeerCannotSpeakForAnotherAddress() {
    f.openAcls();
    allowAllSecurityGroups();
    byte[] syn = Frames.tcp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 40000, 22, Tcp.SYN);
    f.underlay.inject(GATEWAY_CARD, Frames.vxlan(VNI, syn));
    f.underlay.inject(PEER_CARD, Frames.vxlan(VNI,
        Frames.tcp(PEER_MAC, HOST_MAC, INTERNET_IP, HOST_IP, 40000, 22, Tcp.SYN)));
    f.underlay.inject(PEER_CARD, Frames.vxlan(VNI,
        Frames.tcp(PEER_MAC, HOST_MAC, PipelineFixture.ip("10.0.0.99"), HOST_IP, 40000, 22, Tcp.SYN)));
    assertEquals(3, f.drops(DropReason.OVERLAY_SPOOFED));
    assertNull(f.host.poll());
    assertEquals(0, f.port.port().orElseThrow().stats().conntrackEntries(), "no state for spoofed packets");
  }

  @Test
  void dropsOtherVnisAndStrangers() {
    f.openAcls();
    allowAllSecurityGroups();
    byte[] syn = Frames.tcp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 40000, 22, Tcp.SYN);
    f.underlay.inject(PEER_CARD, Frames.vxlan(VNI + 1, syn));
    assertEquals(1, f.drops(DropReason.VNI_MISMATCH));
    f.underlay.inject(PEER_CARD, Frames.vxlan(VNI, Frames.tcp(PEER_MAC, HOST_MAC, PEER_IP, PEER_IP, 1, 22, Tcp.SYN)));
    assertEquals(1, f.drops(DropReason.NOT_FOR_HOST));
    f.underlay.inject(PEER_CARD, Frames.vxlan(VNI, syn));
    assertNotNull(f.host.poll());
    assertNull(f.host.poll());
  }

  @Test
  void broadcastAndMulticastStayOffTheOverlay() {
    f.openAcls();
    allowAllSecurityGroups();
    for (String dst : new String[] {"10.0.0.255", "255.255.255.255", "224.0.0.251"}) {
      f.host.inject(Frames.udp(HOST_MAC, 0xFFFF_FFFF_FFFFL, HOST_IP, PipelineFixture.ip(dst), 5353, 5353,
          new byte[4]));
    }
    assertEquals(3, f.drops(DropReason.BROADCAST));
    assertNull(f.underlay.poll());
  }

  @Test
  void noRouteInsideTheSubnetWithoutAMapping() {
    f.openAcls();
    allowAllSecurityGroups();
    f.host.inject(Frames.tcp(HOST_MAC, GATEWAY_MAC, HOST_IP, PipelineFixture.ip("10.0.0.99"), 1, 22, Tcp.SYN));
    assertEquals(1, f.drops(DropReason.NO_ROUTE));
    f.port.removeGateway(VNI);
    f.host.inject(Frames.tcp(HOST_MAC, GATEWAY_MAC, HOST_IP, INTERNET_IP, 1, 22, Tcp.SYN));
    assertEquals(2, f.drops(DropReason.NO_ROUTE));
  }

  @Test
  void aclIsOrderedFirstMatchWinsDefaultDeny() {
    allowAllSecurityGroups();
    var deny22 = rule(PolicyTable.ACL_EGRESS, 10, Protocol.TCP, "10.0.0.0/24", PortRange.single(22), RuleAction.DENY);
    var allowTcp = rule(PolicyTable.ACL_EGRESS, 20, Protocol.TCP, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW);
    f.apply(allowTcp, deny22);
    f.host.inject(Frames.tcp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 40000, 22, Tcp.SYN));
    assertEquals(1, f.drops(DropReason.ACL));
    f.host.inject(Frames.tcp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 40001, 80, Tcp.SYN));
    assertNotNull(f.underlay.poll());
    f.host.inject(Frames.udp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 1, 53, new byte[4]));
    assertEquals(2, f.drops(DropReason.ACL), "no rule for UDP: default deny");
    assertEquals(1L, f.port.ruleHits().get(deny22));
    assertEquals(1L, f.port.ruleHits().get(allowTcp));

    // Stateless: the reply of the allowed connection needs an ingress ACL too.
    f.underlay.inject(PEER_CARD, Frames.vxlan(VNI,
        Frames.tcp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 80, 40001, Tcp.SYN | Tcp.ACK)));
    assertEquals(3, f.drops(DropReason.ACL));
    f.apply(rule(PolicyTable.ACL_INGRESS, 1, Protocol.TCP, "10.0.0.20/32", PortRange.ALL, RuleAction.ALLOW));
    byte[] synAck = Frames.tcp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 80, 40001, Tcp.SYN | Tcp.ACK);
    f.underlay.inject(PEER_CARD, Frames.vxlan(VNI, synAck));
    byte[] in = f.host.poll();
    assertArrayEquals(Arrays.copyOfRange(synAck, 6, synAck.length), Arrays.copyOfRange(in, 6, in.length));
  }

  @Test
  void stripsTheHostsVlanTagAndCountsSecurityGroupHits() {
    f.openAcls();
    var sg = rule(PolicyTable.SG_EGRESS, 0, Protocol.TCP, "10.0.0.0/24", PortRange.ALL, RuleAction.ALLOW);
    f.apply(sg);
    byte[] plain = Frames.tcp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 40000, 80, Tcp.SYN);
    byte[] tagged = new byte[plain.length + 4];
    System.arraycopy(plain, 0, tagged, 0, 12);
    Bytes.put16(tagged, 12, 0x8100);
    Bytes.put16(tagged, 14, 7);
    System.arraycopy(plain, 12, tagged, 16, plain.length - 12);
    f.host.inject(tagged);
    byte[] out = f.underlay.poll();
    assertEquals(Vxlan.OVERHEAD + plain.length, out.length);
    assertEquals(Hex.of(plain, 12, plain.length - 12), Hex.of(out, 62, plain.length - 12), "untagged inside");
    f.host.inject(Frames.tcp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 40000, 80, Tcp.ACK));
    assertEquals(2L, f.port.ruleHits().get(sg));
  }
}
