package io.bmagent.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.daemon.Agent;
import io.bmagent.daemon.AgentConfig;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyTest {

  @TempDir Path dir;

  @Test
  void readyOnlyAfterTheFirstPassThenStopping() throws Exception {
    Path sock = dir.resolve("notify.sock");
    GatedCard card = new GatedCard();
    try (NotifyReceiver systemd = new NotifyReceiver(sock.toString());
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", sock.toString()))) {
      assertTrue(notifier.enabled());
      notifier.status("opening card driver memory");
      Agent agent = Agent.start(AgentConfig.forTests(dir.resolve("state")), card);
      try {
        systemd.counter(agent.reconciler()::passes);
        notifier.watch(agent);
        notifier.status("reconciling");
        int status = systemd.await(0, "STATUS=reconciling"::equals, "the second STATUS line");
        assertEquals("STATUS=opening card driver memory", systemd.messages().get(0).text());
        assertEquals(0, agent.reconciler().passes(), "the card is gated: no pass can have ended");
        card.open();
        int ready = systemd.await(status, t -> t.startsWith("READY=1\n"), "READY=1");
        NotifyReceiver.Message m = systemd.messages().get(ready);
        assertTrue(m.counter() >= 1, "READY=1 arrived before the first pass ended: " + m);
        assertTrue(m.text().contains("\nSTATUS=serving on port " + agent.port()), m.text());
        assertTrue(systemd.messages().stream().noneMatch(x -> x.text().contains("WATCHDOG=1")),
            "no WATCHDOG_USEC, no pings");
        notifier.stopping();
        systemd.await(ready, "STOPPING=1\nSTATUS=stopping"::equals, "STOPPING=1");
      } finally {
        agent.close();
      }
    }
  }

  @Test
  void abstractSocketName() {
    String name = "bm-agent-test-" + UUID.randomUUID();
    try (NotifyReceiver systemd = new NotifyReceiver("\0" + name);
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + name))) {
      notifier.status("hello");
      systemd.await(0, "STATUS=hello"::equals, "a STATUS line over the abstract namespace");
    }
  }

  @Test
  void aMissingSystemdIsLoggedNotThrown() {
    try (NotifySocket socket = NotifySocket.open(dir.resolve("nobody-listens.sock").toString())) {
      assertFalse(socket.send("STATUS=lost"));
      assertFalse(socket.send("WATCHDOG=1"));
    }
  }

  @Test
  void withoutNotifySocketNothingHappens() {
    try (SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("WATCHDOG_USEC", "1000"))) {
      assertFalse(notifier.enabled());
      notifier.status("ignored");
      notifier.stopping();
    }
  }

  @Test
  void watchdogTimeoutIsForThisProcessOnly() {
    String self = Long.toString(ProcessHandle.current().pid());
    assertEquals(Optional.of(Duration.ofSeconds(30)), Watchdog.timeout(Map.of("WATCHDOG_USEC", "30000000")));
    assertEquals(Optional.of(Duration.ofMillis(20)),
        Watchdog.timeout(Map.of("WATCHDOG_USEC", "20000", "WATCHDOG_PID", self)));
    assertEquals(Optional.empty(), Watchdog.timeout(Map.of("WATCHDOG_USEC", "20000", "WATCHDOG_PID", "1")));
    assertEquals(Optional.empty(), Watchdog.timeout(Map.of()));
  }

  @Test
  void watchdogPingsStopWhileTheReconcilerIsStuckAndResumeAfter() throws Exception {
    Path sock = dir.resolve("notify.sock");
    Map<String, String> env = Map.of("NOTIFY_SOCKET", sock.toString(), "WATCHDOG_USEC", "400000",
        "WATCHDOG_PID", Long.toString(ProcessHandle.current().pid()));
    try (NotifyReceiver systemd = new NotifyReceiver(sock.toString());
        AgentFixture f = new AgentFixture(dir.resolve("state"), new MemoryCard());
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment(env)) {
      notifier.watch(f.agent);
      int ready = systemd.await(0, t -> t.startsWith("READY=1"), "READY=1");
      int ping = ready;
      for (int i = 0; i < 3; i++) {
        ping = systemd.await(ping + 1, "WATCHDOG=1"::equals, "watchdog ping " + i);
      }

      List<LogRecord> stacks = new CopyOnWriteArrayList<>();
      Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
          stacks.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
      };
      Logger.getLogger(ReconcilerProbe.class.getName()).addHandler(capture);
      int before = systemd.messages().size();
      CountDownLatch release = new CountDownLatch(1);
      Thread hung = new Thread(() -> f.agent.reconciler().call(() -> release.await(1, TimeUnit.MINUTES),
          Duration.ofMinutes(1)), "hung-card-call");
      hung.start();
      int stuck = systemd.await(before, t -> t.startsWith("STATUS=unhealthy: reconciler stuck"), "stuck STATUS");
      Watchdog watchdog = notifier.watchdog();
      long ticks = watchdog.ticks();
      AgentFixture.awaitTrue(() -> watchdog.ticks() >= ticks + 3, "three checks while stuck");
      release.countDown();
      hung.join(TimeUnit.SECONDS.toMillis(20));
      Logger.getLogger(ReconcilerProbe.class.getName()).removeHandler(capture);
      assertTrue(stacks.stream().anyMatch(r -> r.getThrown() != null && Arrays.stream(r.getThrown().getStackTrace())
          .anyMatch(e -> e.getClassName().startsWith(NotifyTest.class.getName()))),
          "the stuck thread's stack names the hung call");

      int recovered = systemd.await(stuck, t -> t.startsWith("STATUS=serving (recovered"), "recovery STATUS");
      systemd.await(recovered, "WATCHDOG=1"::equals, "pings after recovery");
      List<String> between = new ArrayList<>();
      systemd.messages().subList(stuck, recovered).forEach(m -> between.add(m.text()));
      assertFalse(between.contains("WATCHDOG=1"), "pinged while stuck: " + between);

      int now = systemd.messages().size();
      f.instances.provisionInstance(Specs.provision(true));
      systemd.await(now, ("STATUS=serving on port " + f.agent.port() + "; host power ON; 1 volume; NIC up")::equals,
          "a STATUS line for the running host");
      notifier.stopping();
      int stopping = systemd.await(now, "STOPPING=1\nSTATUS=stopping"::equals, "STOPPING=1");
      assertEquals(stopping + 1, systemd.messages().size(), "nothing after STOPPING=1: " + systemd.messages());
    }
  }

  @Test
  void grpcProbeFailsAgainstAServerThatNeverAnswers() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          accepted.add(silent.accept());
        } catch (IOException e) {
          // closed by the test
        }
      });
      acceptor.start();
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", silent.getLocalPort()).usePlaintext()
          .build();
      try {
        Optional<String> problem = new GrpcHealthProbe(channel, Duration.ofMillis(200)).problem();
        assertEquals(Optional.of("grpc health check failed: DEADLINE_EXCEEDED"), problem);
      } finally {
        channel.shutdownNow();
        silent.close();
        acceptor.join();
        for (Socket s : accepted) {
          s.close();
        }
      }
    }
  }

  @Test
  void grpcProbeIsHealthyAgainstAServingAgent() throws Exception {
    try (AgentFixture f = new AgentFixture(dir, new MemoryCard())) {
      assertEquals(Optional.empty(), new GrpcHealthProbe(f.channel, Duration.ofSeconds(20)).problem());
    }
  }
}
