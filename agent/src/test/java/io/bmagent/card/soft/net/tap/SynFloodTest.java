package io.bmagent.card.soft.net.tap;

import static io.bmagent.card.soft.net.tap.KernelPeer.HOST_IP;
import static io.bmagent.card.soft.net.tap.KernelPeer.PEER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.PortStats;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A SYN flood from the kernel peer's namespace against a card with a small connection table (256 entries, so that
 * a bounded flood of 6000 SYNs fills it many times over): the table evicts the flood's half-open entries (Linux's
 * early_drop), an established connection keeps echoing throughout, and a new connection to an allowed port is made
 * in the middle of the flood.
 */
class SynFloodTest {

  static final int TABLE = 256;

  private KernelPeer net;
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    KernelPeer.assumeRoot();
    net = new KernelPeer(1500, 1500, TABLE);
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    if (net != null) {
      System.out.println("card " + net.card.port().orElseThrow().stats());
      net.close();
    }
  }

  @Test
  void establishedAndNewConnectionsSurviveAFlood() throws Exception {
    Process server = started(net.host.start("python3", "-c", AgentsEndToEndTest.SERVER, "7001", "7002"));
    assertEquals("ready", lines(server).readLine());
    Process echo = started(net.peer.start("python3", "-c", ECHO_CLIENT, HOST_IP, "7001", "10"));
    BufferedReader echoed = lines(echo);
    assertEquals("connected", echoed.readLine());

    Process flood = started(net.peer.start("python3", "-c", SYN_FLOOD, PEER_IP, HOST_IP, "7001", "6000"));
    KernelVtepTest.waitFor(() -> stats().conntrackEvictions() > TABLE, "the flood fills the table and evicts");
    Netns.Result fresh = net.peer.exec("python3", "-c", CLIENT, HOST_IP, "7002");
    assertEquals(0, fresh.status(), "a new connection during the flood: " + fresh.output());
    assertTrue(fresh.output().startsWith("hello"), fresh.output());

    assertTrue(flood.waitFor(60, TimeUnit.SECONDS), "the flood ends");
    assertEquals("sent 6000", lines(flood).readLine());
    String result = echoed.readLine();
    assertTrue(echo.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, echo.exitValue(), "the established connection never stalled: " + result);
    assertTrue(result.startsWith("echoed "), result);
    assertTrue(stats().conntrackEntries() <= TABLE);
  }

  private PortStats stats() {
    return net.card.port().orElseThrow().stats();
  }

  private Process started(Process p) {
    processes.add(p);
    return p;
  }

  private static BufferedReader lines(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  /**
   * Connects, reads the greeting, then echoes 4 bytes every 50 ms for argv[3] seconds; any echo later than 5 s
   * fails it. Prints "connected", then "echoed N". Arguments: address, port, seconds.
   */
  static final String ECHO_CLIENT = """
      import socket, sys, time
      c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
      c.recv(64)
      print('connected', flush=True)
      n = 0; end = time.time() + float(sys.argv[3])
      while time.time() < end:
          c.sendall(b'ping'); d = b''
          while len(d) < 4: d += c.recv(4 - len(d))
          n += 1; time.sleep(0.05)
      print('echoed', n, flush=True)
      """;

  /** Connects within 10 s (SYN retransmissions included) and prints the greeting. Arguments: address, port. */
  static final String CLIENT = """
      import socket, sys
      c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
      print(c.recv(64).decode().strip())
      """;

  /**
   * Sends argv[4] TCP SYNs from argv[1] to argv[2]:argv[3] from changing source ports on a raw socket, 2000 a
   * second, and prints "sent N".
   */
  static final String SYN_FLOOD = """
      import random, socket, struct, sys, time
      src, dst, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
      s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
      def csum(b):
          t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
          while t >> 16: t = (t & 0xffff) + (t >> 16)
          return ~t & 0xffff
      for i in range(count):
          tcp = struct.pack('!HHIIBBHHH', 10000 + i, port, random.getrandbits(32), 0, 5 << 4, 2, 64240, 0, 0)
          pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 6, len(tcp))
          tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]
          s.sendto(tcp, (dst, 0))
          if i % 100 == 99: time.sleep(0.05)
      print('sent', count, flush=True)
      """;
}
