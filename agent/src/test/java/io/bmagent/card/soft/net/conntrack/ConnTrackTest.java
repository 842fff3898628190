package io.bmagent.card.soft.net.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.bmagent.card.soft.net.packet.Tcp;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnTrackTest {

  static final long SECOND = 1_000_000_000L;
  final AtomicLong now = new AtomicLong(5 * SECOND);
  final ConnTrack ct = new ConnTrack(10, Timeouts.CLOUD, now::get);
  final FlowKey key = FlowKey.of(100, 6, 0x0a00000a, 0x0a000014, 40000, 22);

  @Test
  void keyPacksEveryField() {
    FlowKey k = FlowKey.of(0xABCDEF, 17, 0xC0A80001, 0xFFFFFFFE, 65535, 1);
    assertEquals(0xABCDEF, k.vni());
    assertEquals(17, k.protocol());
    assertEquals(0xC0A80001, k.localIp());
    assertEquals(0xFFFFFFFE, k.remoteIp());
    assertEquals(65535, k.localPort());
    assertEquals(1, k.remotePort());
    assertEquals(k, FlowKey.of(0xABCDEF, 17, 0xC0A80001, 0xFFFFFFFE, 65535, 1));
  }

  @Test
  void threadsOpeningAtOnceNeverPassTheLimit() throws Exception {
    // A port's queues open connections concurrently: each of 4 threads floods 5,000 new flows into a table of 10,
    // and the table evicts to make room but never holds more than its limit, as the size reserved first ensures.
    Thread[] threads = new Thread[4];
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < threads.length; t++) {
      int base = t * 5_000;
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 5_000; i++) {
          ct.open(FlowKey.of(100, 6, 0x0a00000a, 0x0a000014, 1 + (base + i) % 60_000, 22), true, null);
          most.accumulateAndGet(ct.size(), Math::max);
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(10, ct.size());
    assertEquals(10, most.get());
  }

  @Test
  void followsTheHandshakeAndTeardown() {
    Connection c = ct.open(key, false, null);
    ct.track(c, false, Tcp.SYN);
    assertEquals(TcpState.SYN_SENT, c.tcpState());
    ct.track(c, true, Tcp.SYN | Tcp.ACK);
    assertEquals(TcpState.SYN_RECEIVED, c.tcpState());
    ct.track(c, false, Tcp.ACK);
    assertEquals(TcpState.ESTABLISHED, c.tcpState());
    ct.track(c, true, Tcp.FIN | Tcp.ACK);
    assertEquals(TcpState.FIN_WAIT, c.tcpState());
    ct.track(c, true, Tcp.FIN | Tcp.ACK);
    assertEquals(TcpState.FIN_WAIT, c.tcpState(), "a retransmitted FIN is still one side");
    ct.track(c, false, Tcp.FIN | Tcp.ACK);
    assertEquals(TcpState.TIME_WAIT, c.tcpState());
    ct.track(c, false, Tcp.SYN);
    assertEquals(TcpState.SYN_SENT, c.tcpState(), "a new SYN reuses the ports");
    ct.track(c, true, Tcp.RST);
    assertEquals(TcpState.CLOSED, c.tcpState());
  }

  @Test
  void establishedLivesFiveDaysAndTransitoryTwoMinutes() {
    Connection c = ct.open(key, false, null);
    ct.track(c, false, Tcp.SYN);
    now.addAndGet(119 * SECOND);
    assertSame(c, ct.lookup(key));
    now.addAndGet(2 * SECOND);
    assertNull(ct.lookup(key), "a half-open connection is gone after 120 s");
    assertEquals(0, ct.size());

    c = ct.open(key, false, null);
    ct.track(c, false, Tcp.SYN);
    ct.track(c, true, Tcp.SYN | Tcp.ACK);
    ct.track(c, false, Tcp.ACK);
    now.addAndGet(431_999 * SECOND);
    assertSame(c, ct.lookup(key));
    now.addAndGet(2 * SECOND);
    assertEquals(1, ct.sweep());
    assertNull(ct.lookup(key));
  }

  @Test
  void limitIsEnforcedAndExpiredEntriesMakeRoom() {
    ConnTrack two = new ConnTrack(2, Timeouts.CLOUD, now::get);
    for (int p = 1; p <= 2; p++) {
      Connection c = two.open(FlowKey.of(1, 17, 1, 2, p, 53), false, null);
      two.track(c, false, 0);
      two.track(c, true, 0);
    }
    assertNull(two.open(FlowKey.of(1, 17, 1, 2, 3, 53), false, null), "full of answered flows: none is evicted");
    now.addAndGet(31 * SECOND);
    assertNotNull(two.open(FlowKey.of(1, 17, 1, 2, 3, 53), false, null));
    assertEquals(1, two.size());
    assertEquals(0, two.evictions());
  }

  /** Linux's early_drop: a full table evicts a connection that has not proved itself, never an established one. */
  @Test
  void fullTableEvictsUnassuredConnectionsFirst() {
    ConnTrack three = new ConnTrack(3, Timeouts.CLOUD, now::get);
    Connection established = three.open(FlowKey.of(1, 6, 1, 2, 1000, 22), false, null);
    three.track(established, false, Tcp.SYN);
    three.track(established, true, Tcp.SYN | Tcp.ACK);
    three.track(established, false, Tcp.ACK);
    Connection answered = three.open(FlowKey.of(1, 17, 1, 2, 1000, 53), false, null);
    three.track(answered, false, 0);
    three.track(answered, true, 0);
    for (int p = 1; p <= 50; p++) {
      Connection syn = three.open(FlowKey.of(1, 6, 1, 2, 2000 + p, 80), true, null);
      assertNotNull(syn, "a new connection finds room");
      three.track(syn, true, Tcp.SYN);
    }
    assertEquals(3, three.size());
    assertEquals(49, three.evictions(), "each new SYN evicted the previous one");
    assertSame(established, three.lookup(established.key()));
    assertSame(answered, three.lookup(answered.key()));

    Connection closing = three.lookup(FlowKey.of(1, 6, 1, 2, 2050, 80));
    three.track(closing, false, Tcp.SYN | Tcp.ACK);
    three.track(closing, true, Tcp.ACK);
    three.track(closing, true, Tcp.FIN | Tcp.ACK);
    assertNotNull(three.open(FlowKey.of(1, 6, 1, 2, 3000, 80), true, null), "a closing connection may go too");
  }
}
