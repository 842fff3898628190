package io.bmagent.card.soft.net.tap;

import static io.bmagent.card.soft.net.packet.TcpSegmenterTest.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import io.bmagent.card.soft.net.packet.Bytes;
import io.bmagent.card.soft.net.packet.Checksum;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Tcp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoalescerTest {

  final Coalescer coalescer = new Coalescer(65_600);
  final List<byte[]> written = new ArrayList<>();
  final Coalescer.Writer writer = (Memory m, int len) -> written.add(m.getByteArray(0, len));

  static byte[] data(int n, int from) {
    byte[] p = new byte[n];
    for (int i = 0; i < n; i++) {
      p[i] = (byte) (from + i);
    }
    return p;
  }

  @Test
  void consecutiveSegmentsOfAFlowBecomeOneTsoFrame() {
    coalescer.hold(segment(40000, 100, 1, Tcp.ACK, data(1000, 0)), 0, 1066, writer);
    coalescer.hold(segment(40000, 1100, 2, Tcp.ACK, data(1000, 1000)), 0, 1066, writer);
    assertEquals(0, written.size(), "held");
    coalescer.hold(segment(40000, 2100, 3, Tcp.ACK | Tcp.PSH, data(400, 2000)), 0, 466, writer);
    assertEquals(1, written.size(), "a short or PSH segment ends the frame");
    byte[] w = written.get(0);
    int f = VnetHeader.LENGTH;
    assertEquals(f + 66 + 2400, w.length);
    assertEquals(1, w[0], "NEEDS_CSUM");
    assertEquals(1, w[1], "GSO TCPv4");
    assertEquals(66, (w[2] & 0xff) | (w[3] & 0xff) << 8, "header length");
    assertEquals(1000, (w[4] & 0xff) | (w[5] & 0xff) << 8, "segment size");
    assertEquals(34, (w[6] & 0xff) | (w[7] & 0xff) << 8, "checksum start");
    assertEquals(16, (w[8] & 0xff) | (w[9] & 0xff) << 8, "checksum offset");
    assertTrue(Ipv4.valid(w, f + 14, w.length - f - 14));
    assertEquals(20 + 32 + 2400, Ipv4.totalLength(w, f + 14));
    assertEquals(100, Bytes.i32(w, f + 38), "the first segment's sequence number");
    assertEquals(Tcp.ACK | Tcp.PSH, w[f + 34 + 13] & 0xff);
    assertEquals(~Checksum.finish(Ipv4.pseudoHeaderSum(w, f + 14, 32 + 2400)) & 0xFFFF, Bytes.u16(w, f + 50),
        "the checksum left partial");
    for (int i = 0; i < 2400; i++) {
      assertEquals((byte) i, w[f + 66 + i]);
    }
  }

  @Test
  void whatCannotJoinIsWrittenAsItIs() {
    coalescer.hold(segment(40000, 100, 1, Tcp.ACK, data(1000, 0)), 0, 1066, writer);
    byte[] other = segment(40001, 5000, 2, Tcp.ACK, data(1000, 0));
    coalescer.hold(other, 0, other.length, writer);
    assertEquals(1, written.size(), "another flow: the held one goes");
    byte[] gap = segment(40001, 9000, 3, Tcp.ACK, data(1000, 0));
    coalescer.hold(gap, 0, gap.length, writer);
    assertEquals(2, written.size(), "not the next sequence number");
    byte[] syn = segment(40002, 1, 4, Tcp.SYN, data(0, 0));
    coalescer.hold(syn, 0, syn.length, writer);
    assertEquals(4, written.size(), "a SYN is written at once, after what was held");
    coalescer.flush(writer);
    assertEquals(4, written.size());
    for (byte[] w : written) {
      assertEquals(0, w[0] | w[1], "single frames carry an empty header");
    }
    assertEquals(VnetHeader.LENGTH + syn.length, written.get(3).length);
  }
}
