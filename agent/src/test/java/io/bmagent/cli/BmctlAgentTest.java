package io.bmagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.EventType;
import io.bmagent.daemon.AgentConfig;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bmctl inventory, watch, health, completion, the Unix socket, usage errors and an unreachable agent. */
class BmctlAgentTest {

  @TempDir Path dir;

  @Test
  void inventoryHealthAndWatch() throws Exception {
    try (AgentFixture f = new AgentFixture(dir.resolve("state"), new MemoryCard())) {
      int port = f.agent.port();
      Event first;
      assertTrue(BmctlRun.tcp(port, "inventory").expect(0).out().contains("max vpc mappings"));
      assertEquals("SERVING", BmctlRun.tcp(port, "health").expect(0).out().strip());

      // Without a resume token a watch sees what happens after it subscribed: subscribe first, then provision.
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<BmctlRun> watching = pool.submit(() -> BmctlRun.tcp(port, "watch", "--type", "instance", "--limit",
            "1", "-o", "json"));
        AgentFixture.awaitTrue(() -> f.agent.events().subscriberCount() == 1, "watch subscribed");
        f.instances.provisionInstance(Specs.provision(false));
        first = watching.get(1, TimeUnit.MINUTES).expect(0).json(Event.newBuilder()).build();
      } finally {
        pool.shutdownNow();
      }
      assertEquals(EventType.EVENT_TYPE_CREATED, first.getType());
      assertEquals("i-1", first.getResourceId());
      BmctlRun next = BmctlRun.tcp(port, "watch", "--resume", first.getResumeToken(), "--type", "instance",
          "--limit", "1").expect(0);
      assertTrue(next.out().matches("\\S+ STATUS instance/i-1 .*\\[.+]\\n"), next.out());
    }
  }

  @Test
  void theUnixSocketIsTheDefaultWayIn() throws Exception {
    Path socket = dir.resolve("agent.sock");
    AgentConfig config = AgentConfig.forTests(dir.resolve("state")).withSocket(socket);
    try (AgentFixture f = new AgentFixture(config, new MemoryCard())) {
      BmctlRun r = BmctlRun.run("--socket", socket.toString(), "instance", "get").expect(ExitCodes.NOT_FOUND);
      assertTrue(r.err().startsWith("error: NOT_FOUND"), r.err());
      BmctlRun after = BmctlRun.run("inventory", "--socket", socket.toString()).expect(0);
      assertTrue(after.out().contains("memory"), "connection flags also go after the subcommand");
    }
  }

  @Test
  void anUnreachableAgentIsExitCode7AndSaysWhere() {
    Path missing = dir.resolve("no.sock");
    BmctlRun r = BmctlRun.run("--socket", missing.toString(), "health").expect(ExitCodes.OTHER);
    assertTrue(r.err().startsWith("error: UNAVAILABLE"), r.err());
    assertTrue(r.err().strip().endsWith("(agent at " + missing + ")"), r.err());
  }

  @Test
  void usageErrorsAreExitCode1() throws Exception {
    assertEquals(ExitCodes.USAGE, BmctlRun.run("instance", "explode").code());
    assertEquals(ExitCodes.USAGE, BmctlRun.run("instance").code(), "a group needs a subcommand");
    assertEquals(ExitCodes.USAGE, BmctlRun.run("volume", "attach").code(), "-f is required");
    assertEquals(ExitCodes.USAGE, BmctlRun.run("instance", "stop", "--timeout", "soon").code());
    BmctlRun missing = BmctlRun.run("--target", "127.0.0.1:1", "--plaintext", "instance", "provision", "-f",
        dir.resolve("none.json").toString()).expect(ExitCodes.USAGE);
    assertTrue(missing.err().startsWith("bmctl: no such spec file"), missing.err());
    Path typo = Files.writeString(dir.resolve("typo.json"), "{\"instanceId\": \"i-1\", \"sepc\": {}}");
    BmctlRun malformed = BmctlRun.run("--target", "127.0.0.1:1", "--plaintext", "instance", "provision", "-f",
        typo.toString()).expect(ExitCodes.USAGE);
    assertTrue(malformed.err().contains("sepc"), malformed.err());
    BmctlRun mixed = BmctlRun.run("--ca", "ca.pem", "health").expect(ExitCodes.USAGE);
    assertTrue(mixed.err().contains("go with --target"), mixed.err());
  }

  @Test
  void helpListsTheExitCodesAndCompletionIsABashScript() {
    BmctlRun help = BmctlRun.run("--help").expect(0);
    assertTrue(help.out().contains("Exit codes:"), help.out());
    assertTrue(help.out().contains("3  FAILED_PRECONDITION"), help.out());
    BmctlRun completion = BmctlRun.run("completion").expect(0);
    assertTrue(completion.out().contains("complete -F"), completion.out());
    assertTrue(completion.out().contains("mappings"), "subcommands complete");
  }
}
