package io.bmagent.card.soft.net;

import static io.bmagent.card.soft.net.PipelineFixture.HOST_IP;
import static io.bmagent.card.soft.net.PipelineFixture.HOST_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_IP;
import static io.bmagent.card.soft.net.PipelineFixture.PEER_MAC;
import static io.bmagent.card.soft.net.PipelineFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.net.packet.Tcp;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The fast path's cost with a thousand rules loaded, and that packets keep flowing while a large update is applied.
 * Prints figures; asserts only what does not depend on the machine.
 */
class PipelineThroughputTest {

  @Test
  void establishedFlowCostsAHashLookupNotARuleWalk() throws Exception {
    PipelineFixture f = new PipelineFixture();
    List<PolicyRule> rules = new ArrayList<>();
    for (int i = 0; i < 998; i++) {
      rules.add(rule(PolicyTable.SG_EGRESS, 0, Protocol.UDP, "192.168.0.0/16", PortRange.single(i + 1),
          RuleAction.ALLOW));
    }
    f.apply(rules.toArray(new PolicyRule[0]));
    f.openAcls();
    f.apply(rule(PolicyTable.SG_EGRESS, 0, Protocol.TCP, "10.0.0.0/24", PortRange.single(80), RuleAction.ALLOW));
    LongAdder sent = new LongAdder();
    LongAdder delivered = new LongAdder();
    SoftPipeline p = f.port.pipeline((b, o, l) -> delivered.increment(), (ip, sp, b, o, l) -> sent.increment());
    byte[] syn = Frames.tcp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 40000, 80, Tcp.SYN);
    byte[] data = Frames.tcp(HOST_MAC, PEER_MAC, HOST_IP, PEER_IP, 40000, 80, Tcp.ACK | Tcp.PSH);
    byte[] buf = new byte[SoftPipeline.HEADROOM + data.length];
    System.arraycopy(syn, 0, buf, SoftPipeline.HEADROOM, syn.length);
    p.fromHost(buf, SoftPipeline.HEADROOM, syn.length);

    int n = 300_000;
    run(p, data, buf, n);
    long ns = run(p, data, buf, n);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long allocated = threads.getCurrentThreadAllocatedBytes();
    ns = run(p, data, buf, n);
    allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
    System.out.printf("established flow, host to underlay: %d ns/packet, %d bytes allocated/packet%n", ns / n,
        allocated / n);
    assertEquals(3L * n + 1, sent.sum());

    byte[] reply = Frames.vxlan(PipelineFixture.VNI,
        Frames.tcp(PEER_MAC, HOST_MAC, PEER_IP, HOST_IP, 80, 40000, Tcp.ACK | Tcp.PSH));
    byte[] in = new byte[reply.length];
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        System.arraycopy(reply, 0, in, 0, reply.length);
        p.fromUnderlay(PipelineFixture.PEER_CARD, in, 0, reply.length);
      }
      ns = System.nanoTime() - t0;
    }
    System.out.printf("established flow, underlay to host: %d ns/packet%n", ns / n);
    assertEquals(3L * n, delivered.sum());

    AtomicBoolean updating = new AtomicBoolean(true);
    Thread writer = new Thread(() -> {
      List<VpcMapping> many = new ArrayList<>();
      for (int i = 0; i < 100_000; i++) {
        many.add(new VpcMapping(100, new Ipv4Address(0x0b000000 + i), new MacAddress(0x020000000000L + i),
            Ipv4Address.parse("127.0.0.9")));
      }
      f.port.upsertMappings(many).orThrow();
      updating.set(false);
    });
    long worst = 0;
    long during = 0;
    writer.start();
    while (updating.get()) {
      long t0 = System.nanoTime();
      System.arraycopy(data, 0, buf, SoftPipeline.HEADROOM, data.length);
      p.fromHost(buf, SoftPipeline.HEADROOM, data.length);
      worst = Math.max(worst, System.nanoTime() - t0);
      during++;
    }
    writer.join();
    System.out.printf("%d packets forwarded while 100,000 mappings were applied; slowest %d us%n", during,
        worst / 1000);
    assertTrue(during > 0, "the data path kept running during the update");
  }

  private static long run(SoftPipeline p, byte[] data, byte[] buf, int n) {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      System.arraycopy(data, 0, buf, SoftPipeline.HEADROOM, data.length);
      p.fromHost(buf, SoftPipeline.HEADROOM, data.length);
    }
    return System.nanoTime() - t0;
  }
}
