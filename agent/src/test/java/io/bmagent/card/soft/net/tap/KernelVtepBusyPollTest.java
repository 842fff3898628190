package io.bmagent.card.soft.net.tap;

import static io.bmagent.card.soft.net.tap.KernelPeer.HOST_IP;
import static io.bmagent.card.soft.net.tap.KernelPeer.PEER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.soft.net.NetPoll;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link NetPoll#BUSY} against the kernel's VXLAN device ({@link KernelPeer}): the TAP's queue threads alone spin,
 * serving the underlay's sockets too (no receive thread of the underlay's own), carry ping and TCP both ways, sleep
 * once the port has been silent for {@link NetPoll#PARK_NANOS} and wake for the next packet, and closing the card
 * leaves no thread behind.
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

      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(NetPoll.PARK_NANOS) + 1000);
      List<Thread> readers = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> expected.contains(t.getName())).toList();
      long cpu = cpu(readers);
      long wall = System.nanoTime();
      Thread.sleep(1000);
      double cores = (cpu(readers) - cpu) / (double) (System.nanoTime() - wall);
      // A spinning thread takes a core; the stray packet (an IPv6 router solicitation) wakes one for a tenth of that.
      assertTrue(cores < 0.5, "a silent port's threads sleep, yet they took " + cores + " cores");
      net.host.must("ping", "-c", "1", "-W", "3", PEER_IP);
      net.peer.must("ping", "-c", "1", "-W", "3", HOST_IP);
    }
    // close() joins the threads before it returns.
    assertTrue(alive(threads).isEmpty(), "no spinning thread is left: " + alive(threads));
  }

  private static long cpu(List<Thread> threads) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    return threads.stream().mapToLong(t -> mx.getThreadCpuTime(t.getId())).sum();
  }

  private static List<String> alive(List<String> wanted) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(wanted::contains).sorted((a, b) -> wanted.indexOf(a) - wanted.indexOf(b)).toList();
  }
}
