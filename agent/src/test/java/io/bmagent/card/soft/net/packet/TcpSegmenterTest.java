package io.bmagent.card.soft.net.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

public class TcpSegmenterTest {

  static final int SRC = 0x0a00000a;
  static final int DST = 0x0a000014;

  /** An Ethernet/IPv4/TCP frame with 12 bytes of options, a payload of {@code n} bytes and valid checksums. */
  public static byte[] segment(int sport, int seq, int id, int flags, byte[] payload) {
    int tcpLen = 32 + payload.length;
    byte[] b = new byte[14 + 20 + tcpLen];
    Ethernet.write(b, 0, 0x020000000014L, 0x02000000000aL, Ethernet.TYPE_IPV4);
    Ipv4.write(b, 14, Ipv4.PROTO_TCP, SRC, DST, tcpLen, 64);
    Bytes.put16(b, 18, id);
    b[20] = 0x40;
    Ipv4.updateChecksum(b, 14);
    Tcp.write(b, 34, sport, 5201, seq, 777, flags, 512);
    b[34 + 12] = (byte) (8 << 4);
    b[54] = 1;
    b[55] = 1;
    b[56] = 8;
    b[57] = 10;
    Bytes.put32(b, 58, 0x11223344);
    System.arraycopy(payload, 0, b, 66, payload.length);
    Tcp.updateChecksum(b, 14, 34, tcpLen);
    return b;
  }

  static byte[] payload(int n) {
    byte[] p = new byte[n];
    for (int i = 0; i < n; i++) {
      p[i] = (byte) (i * 7);
    }
    return p;
  }

  @Test
  void cutsATsoFrameIntoCompleteSegments() {
    byte[] data = payload(2500);
    byte[] big = segment(40000, 1000, 50, Tcp.ACK | Tcp.PSH | Tcp.FIN | 0x80, data);
    List<byte[]> out = new ArrayList<>();
    assertTrue(TcpSegmenter.segment(big, 0, big.length, 1000, new byte[70_000], 64,
        (b, off, len) -> out.add(Arrays.copyOfRange(b, off, off + len))));
    assertEquals(3, out.size());
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (int i = 0; i < 3; i++) {
      byte[] s = out.get(i);
      int chunk = i < 2 ? 1000 : 500;
      assertEquals(66 + chunk, s.length);
      assertTrue(Ipv4.valid(s, 14, s.length - 14), "IPv4 header checksum " + i);
      assertEquals(20 + 32 + chunk, Ipv4.totalLength(s, 14));
      assertEquals(50 + i, Ipv4.identification(s, 14));
      assertTrue(Ipv4.dontFragment(s, 14));
      assertEquals(1000 + 1000 * i, Bytes.i32(s, 38));
      assertTrue(Tcp.checksumValid(s, 14, 34, 32 + chunk), "TCP checksum " + i);
      int flags = s[34 + 13] & 0xff;
      assertEquals(i == 2, (flags & (Tcp.FIN | Tcp.PSH)) == (Tcp.FIN | Tcp.PSH), "FIN and PSH on the last only");
      assertEquals(i == 0, (flags & 0x80) != 0, "CWR on the first only");
      assertEquals(Hex.of(big, 54, 12), Hex.of(s, 54, 12), "options copied");
      joined.write(s, 66, chunk);
    }
    assertArrayEquals(data, joined.toByteArray());
  }

  @Test
  void refusesWhatIsNotTcpOverIpv4() {
    byte[] udp = segment(40000, 1, 1, Tcp.ACK, payload(10));
    udp[14 + 9] = (byte) Ipv4.PROTO_UDP;
    assertFalse(TcpSegmenter.segment(udp, 0, udp.length, 1000, new byte[2000], 0, (b, off, len) -> { }));
  }

  @Test
  void completesAPartialChecksum() {
    byte[] s = segment(40000, 1, 1, Tcp.ACK, payload(101));
    int tcpLen = s.length - 34;
    // What a stack leaves for the device: the pseudo-header's sum, folded and not complemented.
    Bytes.put16(s, 50, ~Checksum.finish(Ipv4.pseudoHeaderSum(s, 14, tcpLen)) & 0xFFFF);
    assertFalse(Tcp.checksumValid(s, 14, 34, tcpLen));
    assertTrue(TcpSegmenter.completeChecksum(s, 0, s.length, 34, 16));
    assertTrue(Tcp.checksumValid(s, 14, 34, tcpLen));
    assertFalse(TcpSegmenter.completeChecksum(s, 0, s.length, s.length - 1, 16), "offsets outside the frame");
  }
}
