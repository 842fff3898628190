package io.bmagent.card.soft.net.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketHeadersTest {

  // Canned packets were computed by a separate Python implementation of RFC 1071 and the pseudo-headers.
  static final String TCP_SYN = "4500002800000000400666c60a0000050a0000069c400016000003e8000000005002fffffb990000";
  static final String TCP_SYN_NAT =
      "4500002800000000400634c3cb0071070a0000069c400016000003e8000000005002ffffc9960000";
  static final String UDP = "4500002100000000401166c20a0000050a00000614e90035000d92d968656c6c6f";
  static final String UDP_NAT = "4500002100000000401134bfcb0071070a00000614e90035000d60d668656c6c6f";
  static final String ICMP = "4500002400000000400166cf0a0000050a00000608005435123400016162636465666768";

  @Test
  void ipv4HeaderChecksumOfTheClassicExample() {
    byte[] h = Hex.bytes("45000073000040004011b861c0a80001c0a800c7");
    assertEquals(0, Checksum.of(h, 0, 20));
    Bytes.put16(h, 10, 0);
    Ipv4.updateChecksum(h, 0);
    assertEquals(0xb861, Bytes.u16(h, 10));
  }

  @Test
  void sumsEightBytesAtATimeAsWordByWord() {
    // RFC 1071's word-by-word sum, the reference for every offset, length (odd, and past the 8-byte steps) and a
    // carried-in sum; all-0xFF bytes make every addition carry.
    java.util.Random random = new java.util.Random(7);
    for (int fill = 0; fill < 2; fill++) {
      byte[] b = new byte[1600];
      if (fill == 0) {
        random.nextBytes(b);
      } else {
        Arrays.fill(b, (byte) 0xFF);
      }
      for (int at = 0; at < 9; at++) {
        for (int len = 0; len < 1500; len += 1 + len / 8) {
          int carried = fill == 0 ? random.nextInt(1 << 20) : 0x1FFFE;
          long s = carried;
          for (int i = 0; i + 1 < len; i += 2) {
            s += ((b[at + i] & 0xff) << 8) | (b[at + i + 1] & 0xff);
          }
          if ((len & 1) != 0) {
            s += (b[at + len - 1] & 0xff) << 8;
          }
          while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
          }
          assertEquals((int) (~s & 0xFFFF), Checksum.finish(Checksum.add(carried, b, at, len)), at + "+" + len);
        }
      }
    }
  }

  @Test
  void incrementalUpdateFollowsRfc1624Eqn3() {
    // RFC 1624, 4: HC 0xDD2F, m 0x5555 -> m' 0x3285 gives 0x0000, where eqn. 2 would give 0xFFFF.
    assertEquals(0x0000, Checksum.update16(0xDD2F, 0x5555, 0x3285));
  }

  @Test
  void buildsTcpSynByteForByte() {
    byte[] b = new byte[40];
    Ipv4.write(b, 0, Ipv4.PROTO_TCP, 0x0a000005, 0x0a000006, 20, 64);
    Tcp.write(b, 20, 40000, 22, 1000, 0, Tcp.SYN, 65535);
    Tcp.updateChecksum(b, 0, 20, 20);
    assertEquals(TCP_SYN, Hex.of(b, 0, 40));
    assertTrue(Ipv4.valid(b, 0, 40));
    assertTrue(Tcp.checksumValid(b, 0, 20, 20));
    assertEquals(Tcp.SYN, Tcp.flags(b, 20));
    assertEquals(40000, Tcp.srcPort(b, 20));
    assertEquals(22, Tcp.dstPort(b, 20));
  }

  @Test
  void buildsUdpAndIcmpByteForByte() {
    byte[] u = new byte[33];
    System.arraycopy("hello".getBytes(), 0, u, 28, 5);
    Ipv4.write(u, 0, Ipv4.PROTO_UDP, 0x0a000005, 0x0a000006, 13, 64);
    Udp.write(u, 0, 20, 5353, 53, 13);
    assertEquals(UDP, Hex.of(u, 0, 33));
    assertTrue(Udp.checksumValid(u, 0, 20, 13));

    byte[] i = new byte[36];
    System.arraycopy("abcdefgh".getBytes(), 0, i, 28, 8);
    Ipv4.write(i, 0, Ipv4.PROTO_ICMP, 0x0a000005, 0x0a000006, 16, 64);
    Icmp.writeEcho(i, 20, Icmp.ECHO_REQUEST, 0x1234, 1, 16);
    assertEquals(ICMP, Hex.of(i, 0, 36));
    assertEquals(0x1234, Icmp.identifier(i, 20));
  }

  @Test
  void natRewritesAddressAndChecksumsIncrementally() {
    int elastic = 0xcb007107;
    byte[] t = Hex.bytes(TCP_SYN);
    Nat.rewriteSource(t, 0, elastic);
    assertEquals(TCP_SYN_NAT, Hex.of(t, 0, t.length));
    Nat.rewriteSource(t, 0, 0x0a000005);
    assertEquals(TCP_SYN, Hex.of(t, 0, t.length));

    byte[] u = Hex.bytes(UDP);
    Nat.rewriteSource(u, 0, elastic);
    assertEquals(UDP_NAT, Hex.of(u, 0, u.length));
    Nat.rewriteDestination(u, 0, 0x0a000007);
    assertTrue(Ipv4.valid(u, 0, u.length));
    assertTrue(Udp.checksumValid(u, 0, 20, 13));
  }

  @Test
  void skipsOneVlanTag() {
    byte[] f = Hex.bytes("ffffffffffff 020000000001 8100 0064 0806");
    assertEquals(Ethernet.TYPE_ARP, Ethernet.type(f, 0, f.length));
    assertEquals(18, Ethernet.headerLength(f, 0));
    assertEquals(-1, Ethernet.type(f, 0, 13));
  }

  @Test
  void arpReplyByteForByte() {
    byte[] f = new byte[42];
    int len = Arp.writeFrame(f, 0, Arp.OP_REPLY, 0x02aaaaaaaaaaL, 0x0a000001, 0x020000000005L, 0x0a000005,
        0x020000000005L);
    assertEquals(42, len);
    assertEquals("020000000005" + "02aaaaaaaaaa" + "0806" + "0001 0800 06 04 0002".replace(" ", "")
        + "02aaaaaaaaaa" + "0a000001" + "020000000005" + "0a000005", Hex.of(f, 0, 42));
    assertTrue(Arp.isEthernetIpv4(f, 14, 28));
    assertEquals(0x0a000005, Arp.targetIp(f, 14));
  }

  @Test
  void vxlanHeaderAndOuterHeaders() {
    byte[] b = new byte[Vxlan.OVERHEAD + 14];
    Vxlan.write(b, 42, 0x123456);
    assertEquals("0800000012345600", Hex.of(b, 42, 8));
    assertTrue(Vxlan.valid(b, 42, 8));
    assertEquals(0x123456, Vxlan.vni(b, 42));
    Vxlan.writeOuter(b, 0, 0x020000000002L, 0x020000000001L, 0x7f000002, 0x7f000003, 50000, 8 + 14);
    assertEquals("45000032000000004011", Hex.of(b, 14, 10));
    assertTrue(Ipv4.valid(b, 14, 50));
    assertEquals("c35012b5001e0000", Hex.of(b, 34, 8));
  }

  @Test
  void vxlanSourcePortIsStableDynamicAndSpread() {
    int a = Vxlan.sourcePort(0x0a000005, 0x0a000006, 6, 40000, 22);
    assertEquals(a, Vxlan.sourcePort(0x0a000005, 0x0a000006, 6, 40000, 22));
    assertTrue(a >= 49152 && a <= 65535);
    boolean[] seen = new boolean[65536];
    int distinct = 0;
    for (int p = 40000; p < 40100; p++) {
      int s = Vxlan.sourcePort(0x0a000005, 0x0a000006, 6, p, 22);
      if (!seen[s]) {
        seen[s] = true;
        distinct++;
      }
    }
    assertTrue(distinct > 90, "source ports should spread across flows: " + distinct);
  }

  @Test
  void invalidIpv4IsRefused() {
    byte[] t = Hex.bytes(TCP_SYN);
    t[15] ^= 1;
    assertFalse(Ipv4.valid(t, 0, t.length));
    assertFalse(Ipv4.valid(Arrays.copyOf(Hex.bytes(TCP_SYN), 19), 0, 19));
  }
}
