package io.bmagent.card.soft.net.tap;

import static io.bmagent.card.soft.net.tap.KernelPeer.HOST_IP;
import static io.bmagent.card.soft.net.tap.KernelPeer.PEER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.soft.net.NetPoll;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NetPoll#BUSY} against the kernel's VXLAN device ({@link KernelPeer}): the TAP's queue threads alone spin,
 * serving the underlay's sockets too (no receive thread of the underlay's own), carry ping and TCP both ways, and
 * closing the card leaves no thread behind.
 */
class KernelVtepBusyPollTest {

  @Test
  void carriesTrafficAndStopsItsThreads() throws Exception {
    KernelPeer.assumeRoot();
    List<String> threads = new ArrayList<>();
    try (KernelPeer net = new KernelPeer(NetPoll.BUSY, 1500, 1500, 1000)) {
      int queues = net.tap.queues();
      for (int i = 0; i < queues; i++) {
        threads.add(queues == 1 ? "tap-" + net.tap.name() : "tap-" + net.tap.name() + "-" + i);
      }
      List<String> expected = List.copyOf(threads);
      threads.add("underlay-rx-" + net.port);
      assertEquals(expected, alive(threads), "a thread per queue spins for both directions, and no other");
      net.host.must("ping", "-c", "3", "-i", "0.2", "-W", "3", PEER_IP);
      net.peer.must("ping", "-c", "3", "-i", "0.2", "-W", "3", HOST_IP);
      KernelVtepTest.tcp(net.peer, net.host, PEER_IP);
      KernelVtepTest.tcp(net.host, net.peer, HOST_IP);
    }
    // close() joins the threads before it returns.
    assertTrue(alive(threads).isEmpty(), "no spinning thread is left: " + alive(threads));
  }

  private static List<String> alive(List<String> wanted) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(wanted::contains).sorted((a, b) -> wanted.indexOf(a) - wanted.indexOf(b)).toList();
  }
}
