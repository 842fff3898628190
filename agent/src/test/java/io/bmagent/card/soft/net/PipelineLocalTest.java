package io.bmagent.card.soft.net;

import static io.bmagent.card.soft.net.PipelineFixture.GATEWAY_IP;
import static io.bmagent.card.soft.net.PipelineFixture.GATEWAY_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_IP;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bmagent.card.soft.net.packet.Bytes;
import io.bmagent.card.soft.net.packet.Dhcp;
import io.bmagent.card.soft.net.packet.DhcpTest;
import io.bmagent.card.soft.net.packet.Ethernet;
import io.bmagent.card.soft.net.packet.Hex;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Udp;
import org.junit.jupiter.api.Test;

/** What the card answers itself: ARP, DHCP, and what it refuses before any table: spoofing, IPv6. */
class PipelineLocalTest {

  final PipelineFixture f = new PipelineFixture();

  @Test
  void answersArpForTheGatewayAndMappedPeersByteForByte() {
    f.host.inject(Frames.arpRequest(HOST_MAC, HOST_IP, GATEWAY_IP));
    byte[] reply = f.host.poll();
    assertEquals("02000000000a" + "020000000001" + "0806" + "0001080006040002" + "020000000001" + "0a000001"
        + "02000000000a" + "0a00000a" + "00".repeat(18), Hex.of(reply, 0, reply.length));

    f.host.inject(Frames.arpRequest(HOST_MAC, HOST_IP, PEER_IP));
    reply = f.host.poll();
    assertEquals(PEER_MAC, Bytes.u48(reply, 22));

    f.host.inject(Frames.arpRequest(HOST_MAC, HOST_IP, ip("10.0.0.99")));
    assertNull(f.host.poll());
    assertEquals(1, f.drops(DropReason.ARP));
    assertNull(f.underlay.poll(), "no ARP reaches the overlay");
  }

  @Test
  void dhcpHandsOutThePortsLease() {
    byte[] discover = DhcpTest.request(Dhcp.DISCOVER, 42, false, 0);
    f.host.inject(dhcpFrame(discover));
    byte[] offer = f.host.poll();
    int bootp = 42;
    assertEquals(HOST_MAC, Ethernet.dst(offer, 0));
    assertEquals(GATEWAY_MAC, Ethernet.src(offer, 0));
    assertEquals("0a00000a", Hex.of(offer, bootp + 16, 4));
    assertEquals("63825363" + "350102" + "36040a000001" + "330400015180" + "0104ffffff00" + "03040a000001"
        + "06040a000002" + "1a0205aa" + "ff" + "00".repeat(22), Hex.of(offer, bootp + Dhcp.FIXED,
        offer.length - bootp - Dhcp.FIXED));

    f.host.inject(dhcpFrame(DhcpTest.request(Dhcp.REQUEST, 43, false, HOST_IP)));
    byte[] ack = f.host.poll();
    assertEquals(Dhcp.ACK, ack[bootp + Dhcp.FIXED + 6]);

    f.host.inject(dhcpFrame(DhcpTest.request(Dhcp.REQUEST, 44, false, ip("10.0.0.77"))));
    byte[] nak = f.host.poll();
    assertEquals(Dhcp.NAK, nak[bootp + Dhcp.FIXED + 6]);
    assertNull(f.underlay.poll());
  }

  /** RFC 2131, 4.3.2: a REQUEST naming another server's identifier chose that server; the card stays silent. */
  @Test
  void dhcpIgnoresARequestForAnotherServer() {
    long before = f.drops(DropReason.DHCP);
    f.host.inject(dhcpFrame(DhcpTest.request(Dhcp.REQUEST, 45, false, HOST_IP, ip("10.0.0.254"))));
    assertNull(f.host.poll());
    assertEquals(before + 1, f.drops(DropReason.DHCP));
    f.host.inject(dhcpFrame(DhcpTest.request(Dhcp.REQUEST, 46, false, HOST_IP, GATEWAY_IP)));
    assertEquals(Dhcp.ACK, f.host.poll()[42 + Dhcp.FIXED + 6], "its own identifier is answered");
  }

  @Test
  void dhcpInformFromTheHostsAddressIsAnswered() {
    byte[] inform = DhcpTest.request(Dhcp.INFORM, 47, false, 0);
    Bytes.put32(inform, 12, HOST_IP);
    f.host.inject(dhcpFrame(inform));
    byte[] ack = f.host.poll();
    assertEquals(Dhcp.ACK, ack[42 + Dhcp.FIXED + 6]);
    assertEquals(HOST_IP, Ipv4.dst(ack, 14));
    byte[] spoofed = DhcpTest.request(Dhcp.INFORM, 48, false, 0);
    Bytes.put32(spoofed, 12, ip("10.0.0.77"));
    f.host.inject(dhcpFrame(spoofed));
    assertNull(f.host.poll(), "not for another address");
  }

  /** A client's message from 0.0.0.0:68 to 255.255.255.255:67, with the test client's MAC (the host's). */
  static byte[] dhcpFrame(byte[] bootp) {
    Bytes.put48(bootp, 28, HOST_MAC);
    byte[] frame = Frames.udp(HOST_MAC, 0xFFFF_FFFF_FFFFL, 0, 0xFFFF_FFFF, Dhcp.CLIENT_PORT, Dhcp.SERVER_PORT,
        bootp);
    assertEquals(Dhcp.SERVER_PORT, Udp.dstPort(frame, 34));
    return frame;
  }

  @Test
  void dropsSpoofedSourcesAndIpv6() {
    f.openAcls();
    f.host.inject(Frames.tcp(0x02000000beefL, PEER_MAC, HOST_IP, PEER_IP, 4000, 80, 2));
    f.host.inject(Frames.tcp(HOST_MAC, PEER_MAC, ip("10.0.0.11"), PEER_IP, 4000, 80, 2));
    f.host.inject(Frames.arpRequest(HOST_MAC, ip("10.0.0.11"), GATEWAY_IP));
    assertEquals(3, f.drops(DropReason.SPOOFED));
    byte[] v6 = new byte[54];
    Ethernet.write(v6, 0, PEER_MAC, HOST_MAC, Ethernet.TYPE_IPV6);
    f.host.inject(v6);
    assertEquals(1, f.drops(DropReason.IPV6));
    assertNull(f.underlay.poll());
    assertEquals(4, f.port.port().orElseThrow().stats().txPackets());
    assertEquals(java.util.Map.of("spoofed", 3L, "ipv6", 1L), f.port.port().orElseThrow().stats().drops());
  }
}
