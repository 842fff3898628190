package io.bmagent.card.soft.net.tap;

import static io.bmagent.card.soft.net.tap.KernelPeer.HOST_IP;
import static io.bmagent.card.soft.net.tap.KernelPeer.PEER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.soft.net.DropReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The soft card and the kernel's VXLAN device on a jumbo-frame underlay (MTU 9000) with the port at the API's
 * largest MTU, 9000: the path carries 8950-byte packets whole in both directions, larger datagrams as fragments,
 * and a packet over the path's MTU is never fragmented by the card (RFC 7348, 4.3).
 */
class KernelVtepJumboTest {

  private KernelPeer net;

  @BeforeEach
  void start() throws Exception {
    KernelPeer.assumeRoot();
    net = new KernelPeer(9000, 9000, 1000);
  }

  @AfterEach
  void stop() throws Exception {
    if (net != null) {
      System.out.println("card " + net.card.port().orElseThrow().stats());
      net.close();
    }
  }

  @Test
  void jumboFramesBothWays() throws Exception {
    assertEquals(8950, net.hostMtu, "DHCP announces what the 9000-byte underlay carries after VXLAN");
    // 8922 bytes of echo data, 8950 with the ICMP and IPv4 headers: the largest unfragmented packet, DF set.
    net.host.must("ping", "-c", "2", "-W", "3", "-M", "do", "-s", "8922", PEER_IP);
    net.peer.must("ping", "-c", "2", "-W", "3", "-M", "do", "-s", "8922", HOST_IP);
    net.host.must("ping", "-c", "2", "-W", "3", "-s", "20000", PEER_IP);
    net.peer.must("ping", "-c", "2", "-W", "3", "-s", "20000", HOST_IP);
    KernelVtepTest.tcp(net.peer, net.host, PEER_IP);
    KernelVtepTest.tcp(net.host, net.peer, HOST_IP);
    assertEquals(0, net.card.counters().drops(DropReason.TOO_BIG));
  }

  /**
   * A host whose interface MTU is above the path's (ignoring DHCP): a packet that would need the outer packet
   * fragmented is dropped; with DF the host gets "fragmentation needed" with the path's MTU and its next packets
   * fit.
   */
  @Test
  void oversizePacketsAreNeverFragmented() throws Exception {
    net.host.must("ip", "link", "set", net.tap.name(), "mtu", "9000");
    // 8972 bytes of data make a 9000-byte packet: 50 bytes too many for the underlay once encapsulated.
    assertNotEquals(0, net.host.exec("ping", "-c", "1", "-W", "2", "-M", "dont", "-s", "8972", PEER_IP).status());
    assertEquals(1, net.card.counters().drops(DropReason.TOO_BIG), "dropped, not fragmented, without DF");
    assertTrue(net.host.exec("ip", "route", "get", PEER_IP).output().indexOf("mtu") < 0, "no ICMP without DF");

    Netns.Result df = net.host.exec("ping", "-c", "1", "-W", "2", "-M", "do", "-s", "8972", PEER_IP);
    assertNotEquals(0, df.status());
    assertEquals(2, net.card.counters().drops(DropReason.TOO_BIG));
    String route = net.host.must("ip", "route", "get", PEER_IP);
    assertTrue(route.contains("mtu 8950"), "the host learnt the path's MTU from frag-needed: " + route);
    net.host.must("ping", "-c", "1", "-W", "3", "-s", "8972", PEER_IP);
  }
}
