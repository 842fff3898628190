package io.bmagent.card.soft.net;

import static io.bmagent.card.soft.net.PipelineFixture.ELASTIC_IP;
import static io.bmagent.card.soft.net.PipelineFixture.GATEWAY_IP;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_IP;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.INTERNET_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_CARD;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.VNI;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.card.soft.net.packet.Tcp;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The soft port's pipeline on hostile frames from the host and packets from the underlay: valid frames of every
 * kind it handles with bytes flipped, headers rewritten (EtherType, IHL, total length, protocol, fragment offset,
 * VXLAN flags and VNI), truncated, padded, or replaced by noise. Each is forwarded, answered, or dropped and
 * counted; none raises an exception.
 */
class PipelineFuzzTest {

  @Property
  void everyHostileFrameIsForwardedAnsweredOrCountedAsADrop(@ForAll Random random) {
    PipelineFixture f = new PipelineFixture();
    f.openAcls();
    f.apply(PipelineFixture.rule(PolicyTable.SG_INGRESS, 100, Protocol.ALL, "0.0.0.0/0", PortRange.ALL,
            RuleAction.ALLOW),
        PipelineFixture.rule(PolicyTable.SG_EGRESS, 100, Protocol.ALL, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW),
        PipelineFixture.nat());
    long[] delivered = {0};
    for (int i = 0; i < 20; i++) {
      boolean fromHost = random.nextBoolean();
      byte[] frame = mutate(random, fromHost ? hostFrame(random) : Frames.vxlan(VNI, peerFrame(random)));
      long before = outcomes(f, delivered);
      if (fromHost) {
        f.host.inject(frame);
      } else {
        f.underlay.inject(random.nextInt(4) == 0 ? random.nextInt() : PEER_CARD, frame);
      }
      assertTrue(outcomes(f, delivered) > before, () -> "frame neither forwarded, answered nor counted: "
          + Arrays.toString(frame));
    }
    f.port.close();
  }

  /** Frames and packets that came out, plus drops counted; each frame in adds at least one. */
  private static long outcomes(PipelineFixture f, long[] delivered) {
    long n = 0;
    for (DropReason r : DropReason.values()) {
      n += f.drops(r);
    }
    while (f.host.poll() != null) {
      delivered[0]++;
    }
    while (f.underlay.poll() != null) {
      delivered[0]++;
    }
    return n + delivered[0];
  }

  private static byte[] hostFrame(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> Frames.tcp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 1024 + r.nextInt(60000), 22, Tcp.SYN);
      case 1 -> Frames.udp(HOST_MAC, PEER_MAC, HOST_IP, r.nextBoolean() ? PEER_IP : INTERNET_IP, 5000, 53,
          noise(r, r.nextInt(64)));
      case 2 -> Frames.ping(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 8, r.nextInt(65536));
      case 3 -> Frames.arpRequest(HOST_MAC, HOST_IP, GATEWAY_IP);
      case 4 -> Frames.udp(HOST_MAC, -1L & 0xffff_ffff_ffffL, 0, -1, 68, 67, noise(r, 240 + r.nextInt(100)));
      default -> Frames.icmpError(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 3, 3,
          Frames.udp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 53, 5000, noise(r, 8)));
    };
  }

  private static byte[] peerFrame(Random r) {
    int dst = r.nextBoolean() ? HOST_IP : ELASTIC_IP;
    return switch (r.nextInt(4)) {
      case 0 -> Frames.tcp(PEER_MAC, HOST_MAC, PEER_IP, dst, 40000, 22, Tcp.SYN);
      case 1 -> Frames.udp(PEER_MAC, HOST_MAC, r.nextBoolean() ? PEER_IP : INTERNET_IP, dst, 53, 5000,
          noise(r, r.nextInt(64)));
      case 2 -> Frames.ping(PEER_MAC, HOST_MAC, PEER_IP, dst, r.nextBoolean() ? 0 : 8, r.nextInt(65536));
      default -> Frames.icmpError(PEER_MAC, HOST_MAC, PEER_IP, dst, 11, 0,
          Frames.udp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 5000, 53, noise(r, 8)));
    };
  }

  private static byte[] mutate(Random r, byte[] b) {
    switch (r.nextInt(6)) {
      case 0 -> {
        return b;
      }
      case 1 -> {
        for (int i = r.nextInt(4); i >= 0; i--) {
          b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
      }
      case 2 -> {
        return Arrays.copyOf(b, r.nextInt(b.length));
      }
      case 3 -> {
        // A header byte rewritten: EtherType, IHL/version, total length, fragment, protocol, or the VXLAN header.
        int at = new int[] {0, 1, 4, 5, 6, 7, 12, 13, 14, 16, 17, 20, 21, 23, 22 + 8, 24 + 8, 31}[r.nextInt(17)];
        if (at < b.length) {
          b[at] = (byte) r.nextInt(256);
        }
        return b;
      }
      case 4 -> {
        byte[] longer = Arrays.copyOf(b, b.length + 1 + r.nextInt(200));
        System.arraycopy(noise(r, longer.length - b.length), 0, longer, b.length, longer.length - b.length);
        return longer;
      }
      default -> {
        return noise(r, r.nextInt(200));
      }
    }
  }

  private static byte[] noise(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
