package io.bmagent.card.soft.net;

import static io.bmagent.card.soft.net.PipelineFixture.ELASTIC_IP;
import static io.bmagent.card.soft.net.PipelineFixture.GATEWAY_CARD;
import static io.bmagent.card.soft.net.PipelineFixture.GATEWAY_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_IP;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.INTERNET_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_CARD;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.VNI;
import static io.bmagent.card.soft.net.PipelineFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.card.soft.net.packet.Checksum;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import org.junit.jupiter.api.Test;

/** ICMP errors about tracked connections pass the security groups and are translated like their connection. */
class PipelineIcmpErrorTest {

  final PipelineFixture f = new PipelineFixture();

  @Test
  void fragmentationNeededReachesTheHostThroughNat() {
    f.openAcls();
    f.apply(PipelineFixture.nat(),
        rule(PolicyTable.SG_EGRESS, 0, Protocol.UDP, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW));
    f.host.inject(Frames.udp(HOST_MAC, GATEWAY_MAC, HOST_IP, INTERNET_IP, 5353, 53, new byte[8]));
    byte[] sent = f.underlay.poll();
    byte[] asSent = java.util.Arrays.copyOfRange(sent, 50, sent.length);

    byte[] fragNeeded = Frames.icmpError(GATEWAY_MAC, HOST_MAC, INTERNET_IP, ELASTIC_IP, 3, 4, asSent);
    f.underlay.inject(GATEWAY_CARD, Frames.vxlan(VNI, fragNeeded));
    byte[] in = f.host.poll();
    assertNotNull(in, "related to the tracked UDP flow");
    assertEquals(HOST_IP, Ipv4.dst(in, 14));
    assertEquals(HOST_IP, Ipv4.src(in, 42), "the quoted packet is translated back");
    assertTrue(Ipv4.valid(in, 14, in.length - 14));
    assertEquals(0, Checksum.of(in, 42, 20), "quoted header checksum");
    assertEquals(0, Checksum.of(in, 34, in.length - 34), "ICMP checksum");

    byte[] stranger = Frames.udp(HOST_MAC, GATEWAY_MAC, ELASTIC_IP, INTERNET_IP, 6000, 53, new byte[8]);
    byte[] unrelated = Frames.icmpError(GATEWAY_MAC, HOST_MAC, INTERNET_IP, ELASTIC_IP, 3, 4, stranger);
    f.underlay.inject(GATEWAY_CARD, Frames.vxlan(VNI, unrelated));
    assertNull(f.host.poll());
    assertEquals(1, f.drops(DropReason.SECURITY_GROUP), "an error about no connection is dropped");
  }

  @Test
  void theHostsPortUnreachableGoesBackToThePeer() {
    f.openAcls();
    f.apply(rule(PolicyTable.SG_INGRESS, 0, Protocol.UDP, "10.0.0.0/24", PortRange.ALL, RuleAction.ALLOW));
    byte[] probe = Frames.udp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 7000, 9999, new byte[8]);
    f.underlay.inject(PEER_CARD, Frames.vxlan(VNI, probe));
    assertNotNull(f.host.poll());
    f.host.inject(Frames.icmpError(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 3, 3, probe));
    byte[] out = f.underlay.poll();
    assertNotNull(out);
    assertEquals(PEER_CARD, Ipv4.dst(out, 14));
    assertEquals(0, f.drops(DropReason.SECURITY_GROUP), "no SG_EGRESS rule needed for the related error");
  }
}
