package io.bmagent.card.soft.net.tap;

import static io.bmagent.card.soft.net.tap.KernelPeer.HOST_IP;
import static io.bmagent.card.soft.net.tap.KernelPeer.PEER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.soft.net.NetPoll;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NetPoll#BUSY} against the kernel's VXLAN device ({@link KernelPeer}): the TAP's thread alone spins, serving
 * the underlay's socket too (no receive thread of the underlay's own), carries ping and TCP both ways, and closing
 * the card leaves no thread behind.
 */
class KernelVtepBusyPollTest {

  @Test
  void carriesTrafficAndStopsItsThreads() throws Exception {
    KernelPeer.assumeRoot();
    String tapThread;
    String rxThread;
    try (KernelPeer net = new KernelPeer(NetPoll.BUSY, 1500, 1500, 1000)) {
      tapThread = "tap-" + net.tap.name();
      rxThread = "underlay-rx-" + net.port;
      assertEquals(List.of(tapThread), alive(tapThread, rxThread), "one thread spins for both directions");
      net.host.must("ping", "-c", "3", "-i", "0.2", "-W", "3", PEER_IP);
      net.peer.must("ping", "-c", "3", "-i", "0.2", "-W", "3", HOST_IP);
      KernelVtepTest.tcp(net.peer, net.host, PEER_IP);
      KernelVtepTest.tcp(net.host, net.peer, HOST_IP);
    }
    // close() joins the thread before it returns.
    assertTrue(alive(tapThread, rxThread).isEmpty(), "no spinning thread is left: " + alive(tapThread, rxThread));
  }

  private static List<String> alive(String... names) {
    List<String> wanted = List.of(names);
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(wanted::contains).sorted((a, b) -> wanted.indexOf(a) - wanted.indexOf(b)).toList();
  }
}
