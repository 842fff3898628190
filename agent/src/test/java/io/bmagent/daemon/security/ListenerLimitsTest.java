package io.bmagent.daemon.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.GetInventoryRequest;
import io.bmagent.api.v1.WatchEventsRequest;
import io.bmagent.daemon.AgentConfig;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.TestChannels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rate limits per peer, and the Unix socket's peer-uid check. */
class ListenerLimitsTest {

  @TempDir Path dir;

  private static Status.Code call(ManagedChannel channel) {
    return code(() -> AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .getInventory(GetInventoryRequest.getDefaultInstance()));
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void aFloodingPeerIsThrottledWhileAnotherPeerIsServed() throws Exception {
    // One call per 100 s on average: the burst of 5 is all the flood can have during the test, however slow it runs.
    AgentConfig config = AgentConfig.forTests(dir);
    config = config.withSecurity(config.security().withRateLimit(new RateLimit(0.01, 5)));
    try (AgentFixture f = new AgentFixture(config, new MemoryCard());
        TestChannels other = TestChannels.from("127.0.0.2", f.agent.port())) {
      for (int i = 0; i < 5; i++) {
        assertEquals(Status.Code.OK, call(f.channel), "call " + i + " is within the burst");
      }
      int refused = 0;
      for (int i = 0; i < 50; i++) {
        refused += call(f.channel) == Status.Code.RESOURCE_EXHAUSTED ? 1 : 0;
      }
      assertEquals(50, refused);
      assertEquals(Status.Code.OK, call(other.channel()), "another address has its own bucket");
    }
  }

  @Test
  void aConnectionAtItsCallLimitWaitsWhileOtherConnectionsAreServed() throws Exception {
    AgentConfig config = AgentConfig.forTests(dir);
    ListenerSecurity s = config.security();
    config = config.withSecurity(new ListenerSecurity(null, null, s.localUids(), 1, s.handlerThreads()));
    try (AgentFixture f = new AgentFixture(config, new MemoryCard());
        TestChannels other = TestChannels.from("127.0.0.1", f.agent.port())) {
      AgentServiceGrpc.newBlockingStub(f.channel).watchEvents(WatchEventsRequest.getDefaultInstance());
      AgentFixture.awaitTrue(() -> f.agent.events().subscriberCount() == 1, "the stream holds the only call slot");
      // The client queues the call until the connection has a free slot, which never comes while the stream is open.
      assertEquals(Status.Code.DEADLINE_EXCEEDED, code(() -> AgentServiceGrpc.newBlockingStub(f.channel)
          .withDeadlineAfter(1, TimeUnit.SECONDS).getInventory(GetInventoryRequest.getDefaultInstance())));
      assertEquals(Status.Code.OK, call(other.channel()), "another connection has its own slots");
    }
  }

  @Test
  void aBucketRefillsAtItsRateUpToItsBurst() {
    AtomicLong now = new AtomicLong();
    TokenBucket b = new TokenBucket(new RateLimit(2, 3), now::get);
    assertTrue(b.tryTake() && b.tryTake() && b.tryTake());
    assertFalse(b.tryTake());
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
    assertTrue(b.tryTake(), "one token after half a second at 2/s");
    assertFalse(b.tryTake());
    now.addAndGet(TimeUnit.SECONDS.toNanos(60));
    assertTrue(b.isFull());
    assertTrue(b.tryTake() && b.tryTake() && b.tryTake());
    assertFalse(b.tryTake(), "never more than the burst");
  }

  @Test
  void ratesParse() {
    assertEquals(new RateLimit(200, 400), RateLimit.parse("200/s", 400));
    assertEquals(new RateLimit(0.5, 1), RateLimit.parse("30/m", 1));
  }

  @Test
  void theUnixSocketServesAllowedUsersOnly() throws Exception {
    Path socket = dir.resolve("agent.sock");
    AgentConfig config = AgentConfig.forTests(dir.resolve("state")).withSocket(socket);
    try (AgentFixture f = new AgentFixture(config, new MemoryCard());
        TestChannels local = TestChannels.unix(socket)) {
      assertEquals(Status.Code.OK, call(local.channel()), "the agent's own user");
    }
    int me = ListenerSecurity.ownUid();
    AgentConfig others = config.withSecurity(config.security().withLocalUids(Set.of(me + 1)));
    try (AgentFixture f = new AgentFixture(others, new MemoryCard());
        TestChannels local = TestChannels.unix(socket)) {
      assertEquals(Status.Code.UNAVAILABLE, call(local.channel()), "uid " + me + " is not allowed");
    }
  }
}
