package io.bmagent.card.soft.net;

import static io.bmagent.card.soft.net.PipelineFixture.GATEWAY_CARD;
import static io.bmagent.card.soft.net.PipelineFixture.GATEWAY_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_IP;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_CARD;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.VNI;
import static io.bmagent.card.soft.net.PipelineFixture.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bmagent.card.InstanceMetadata;
import io.bmagent.card.soft.net.packet.Bytes;
import io.bmagent.card.soft.net.packet.Ethernet;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Tcp;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who reaches the metadata address: the host's port with its own addresses, over TCP port 80, and nobody else. */
class PipelineMetadataTest {

  static final int METADATA = ip("169.254.169.254");

  final PipelineFixture f = new PipelineFixture();

  @BeforeEach
  void serve() {
    f.port.putMetadata(new InstanceMetadata("i-1", "t", "img", "h", new MacAddress(HOST_MAC),
        new Ipv4Address(HOST_IP), Ipv4Prefix.parse("10.0.0.0/24"), "vpc", null, List.of(), new byte[0], Map.of(),
        false, 1));
  }

  @Test
  void theHostsSynIsAnsweredOnTheCardWithTtlOneAndAnMss() {
    f.host.inject(Frames.tcp(HOST_MAC, GATEWAY_MAC, HOST_IP, METADATA, 40000, 80, Tcp.SYN));
    byte[] synAck = f.host.poll();
    assertNull(f.underlay.poll(), "never forwarded to the overlay");
    assertEquals(GATEWAY_MAC, Ethernet.src(synAck, 0));
    assertEquals(1, synAck[Ethernet.HEADER + 8], "TTL");
    assertEquals(METADATA, Ipv4.src(synAck, Ethernet.HEADER));
    int tcp = Ethernet.HEADER + Ipv4.MIN_HEADER;
    assertEquals(Tcp.SYN | Tcp.ACK, Tcp.flags(synAck, tcp));
    assertEquals(1460, Bytes.u16(synAck, tcp + 22), "MSS option");
  }

  @Test
  void otherProtocolsPortsAndSourcesAreDropped() {
    f.host.inject(Frames.udp(HOST_MAC, GATEWAY_MAC, HOST_IP, METADATA, 4000, 80, new byte[8]));
    f.host.inject(Frames.tcp(HOST_MAC, GATEWAY_MAC, HOST_IP, METADATA, 40000, 8080, Tcp.SYN));
    assertEquals(2, f.drops(DropReason.METADATA));
    f.host.inject(Frames.tcp(HOST_MAC, GATEWAY_MAC, ip("10.0.0.99"), METADATA, 40000, 80, Tcp.SYN));
    assertEquals(1, f.drops(DropReason.SPOOFED));
    assertNull(f.host.poll());
    assertNull(f.underlay.poll());
  }

  @Test
  void theOverlayNeverReachesTheServiceNorSpeaksForIt() {
    f.openAcls();
    f.underlay.inject(PEER_CARD, Frames.vxlan(VNI, Frames.tcp(PEER_MAC, HOST_MAC, PEER_IP, METADATA, 1, 80,
        Tcp.SYN)));
    f.underlay.inject(GATEWAY_CARD, Frames.vxlan(VNI, Frames.tcp(GATEWAY_MAC, HOST_MAC, METADATA, HOST_IP, 80,
        40000, Tcp.SYN | Tcp.ACK)));
    assertNull(f.host.poll());
    assertNull(f.underlay.poll());
    assertEquals(2, f.drops(DropReason.METADATA));
  }
}
