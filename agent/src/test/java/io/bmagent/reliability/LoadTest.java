package io.bmagent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.EventType;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.GetInventoryRequest;
import io.bmagent.api.v1.ListSecurityGroupsRequest;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.api.v1.WatchEventsRequest;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients at once: every call gets a deliberate answer and every acknowledged write is there after; a watch
 * fan-out with clients that never read ends those clients with RESOURCE_EXHAUSTED and a resume point instead of
 * buffering for them; and the heap after GC does not grow with either. No assertion depends on timing.
 */
class LoadTest {

  private static final int THREADS = 32;
  private static final long LOAD_MILLIS = 3000;
  private static final long HEAP_GROWTH_BOUND = 128L << 20;

  @TempDir Path dir;

  @Test
  void thirtyTwoClientsOfMixedReadsAndWritesAllGetAnswers() throws Exception {
    long heapBefore = heapAfterGc();
    try (AgentFixture f = new AgentFixture(dir, new MemoryCard())) {
      f.instances.provisionInstance(Specs.provision(false));
      Map<Status.Code, AtomicInteger> failures = new ConcurrentHashMap<>();
      AtomicLong calls = new AtomicLong();
      int[] acknowledgedPuts = new int[THREADS];
      int[] lastPort = new int[THREADS];
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_MILLIS);
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        clients.add(CompletableFuture.runAsync(() -> {
          for (int i = 1; System.nanoTime() < end; i++) {
            try {
              switch (i % 10) {
                case 0, 5 -> {
                  f.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(group(thread, i))
                      .build());
                  acknowledgedPuts[thread]++;
                  lastPort[thread] = i;
                }
                case 3 -> f.network.upsertVpcMappings(mappings(thread, i));
                case 1, 4, 7 -> f.instances.getInstance(GetInstanceRequest.getDefaultInstance());
                case 2, 8 -> f.network.listSecurityGroups(ListSecurityGroupsRequest.getDefaultInstance());
                default -> f.agentService.getInventory(GetInventoryRequest.getDefaultInstance());
              }
              calls.incrementAndGet();
            } catch (StatusRuntimeException e) {
              failures.computeIfAbsent(e.getStatus().getCode(), c -> new AtomicInteger()).incrementAndGet();
            }
          }
        }, runnable -> new Thread(runnable, "client-" + thread).start()));
      }
      CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
      System.out.printf("LoadTest: %d clients, %d calls in %d ms%n", THREADS, calls.get(), LOAD_MILLIS);
      assertEquals(Map.of(), Map.copyOf(failures), "failed calls by code");
      for (SecurityGroup g : f.network.listSecurityGroups(ListSecurityGroupsRequest.getDefaultInstance())
          .getSecurityGroupsList()) {
        int thread = Integer.parseInt(g.getSecurityGroupId().substring(3));
        assertEquals(acknowledgedPuts[thread], g.getGeneration(), g.getSecurityGroupId());
        assertEquals(lastPort[thread], g.getRules(0).getPorts().getFrom(), g.getSecurityGroupId());
      }
    }
    assertHeapBounded(heapBefore);
  }

  @Test
  void slowWatchersAreEndedWithAResumePointAndFastOnesGetEverything() throws Exception {
    long heapBefore = heapAfterGc();
    try (AgentFixture f = new AgentFixture(dir, new MemoryCard())) {
      // Clients that never read share a channel with a small HTTP/2 window, so the server feels them at once.
      ManagedChannel stuckChannel = NettyChannelBuilder.forAddress("127.0.0.1", f.agent.port()).usePlaintext()
          .flowControlWindow(4096).build();
      // The agent serves at most 100 calls per connection, so 150 filtered watches need two connections of their own.
      ManagedChannel filteredA = NettyChannelBuilder.forAddress("127.0.0.1", f.agent.port()).usePlaintext().build();
      ManagedChannel filteredB = NettyChannelBuilder.forAddress("127.0.0.1", f.agent.port()).usePlaintext().build();
      try {
        List<Watcher> fast = watchers(f.channel, 10, List.of(), true);
        List<Watcher> filtered = new ArrayList<>(watchers(filteredA, 75, List.of("volume"), true));
        filtered.addAll(watchers(filteredB, 75, List.of("volume"), true));
        List<Watcher> stuck = watchers(stuckChannel, 40, List.of(), false);
        AgentFixture.awaitTrue(() -> f.agent.events().subscriberCount() == 200, "200 subscribers");

        int published = 0;
        for (int chunk = 0; chunk < 12; chunk++) {
          for (int i = 0; i < 500; i++) {
            f.agent.events().publish(EventType.EVENT_TYPE_STATUS, "synthetic", "e" + published++, "", "", "");
          }
          int expected = published;
          // Paced by the fast readers, so only the ones that never read fall 4096 events behind.
          AgentFixture.awaitTrue(() -> fast.stream().allMatch(w -> w.synthetic.get() == expected), "fast readers");
        }
        stuck.forEach(Watcher::readEverything);
        for (Watcher w : stuck) {
          Status s = w.ended.get(30, TimeUnit.SECONDS);
          assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode(), s.toString());
          assertTrue(s.getDescription().matches(".*resume from \\S+$"), s.getDescription());
        }
        AgentFixture.awaitTrue(() -> f.agent.events().subscriberCount() == 160, "slow subscribers dropped");
        for (Watcher w : fast) {
          assertTrue(!w.ended.isDone(), "a reader that kept up was ended: " + w.ended.getNow(null));
        }
        for (Watcher w : filtered) {
          assertEquals(0, w.synthetic.get(), "a filtered watch got events of another type");
        }
        fast.forEach(Watcher::cancel);
        filtered.forEach(Watcher::cancel);
        AgentFixture.awaitTrue(() -> f.agent.events().subscriberCount() == 0, "cancelled subscribers dropped");
      } finally {
        for (ManagedChannel ch : List.of(stuckChannel, filteredA, filteredB)) {
          ch.shutdownNow();
          ch.awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
    assertHeapBounded(heapBefore);
  }

  private static List<Watcher> watchers(ManagedChannel ch, int n, List<String> types, boolean reading) {
    List<Watcher> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Watcher w = new Watcher(reading);
      AgentServiceGrpc.newStub(ch).watchEvents(WatchEventsRequest.newBuilder().addAllResourceTypes(types).build(), w);
      out.add(w);
    }
    return out;
  }

  /** One WatchEvents client: reads everything, or nothing until told to. */
  private static final class Watcher implements ClientResponseObserver<WatchEventsRequest, Event> {
    final AtomicInteger synthetic = new AtomicInteger();
    final CompletableFuture<Status> ended = new CompletableFuture<>();
    private final boolean reading;
    private ClientCallStreamObserver<WatchEventsRequest> call;

    Watcher(boolean reading) {
      this.reading = reading;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchEventsRequest> requestStream) {
      call = requestStream;
      if (!reading) {
        requestStream.disableAutoRequestWithInitial(0);
      }
    }

    void readEverything() {
      call.request(Integer.MAX_VALUE);
    }

    void cancel() {
      call.cancel("test done", null);
    }

    @Override
    public void onNext(Event e) {
      if (e.getResourceType().equals("synthetic")) {
        synthetic.incrementAndGet();
      }
    }

    @Override
    public void onError(Throwable t) {
      ended.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended.complete(Status.OK);
    }
  }

  private static SecurityGroup group(int thread, int port) {
    return SecurityGroup.newBuilder().setSecurityGroupId("sg-" + thread).addRules(SecurityGroupRule.newBuilder()
        .setDirection(Direction.DIRECTION_INGRESS).setProtocol(Protocol.PROTOCOL_TCP)
        .setPorts(PortRange.newBuilder().setFrom(port).setTo(port)).setRemoteCidr("10.0.0.0/8")).build();
  }

  private static UpsertVpcMappingsRequest mappings(int thread, int i) {
    UpsertVpcMappingsRequest.Builder b = UpsertVpcMappingsRequest.newBuilder();
    for (int k = 0; k < 10; k++) {
      b.addMappings(VpcMapping.newBuilder().setVni(1001).setIp("10." + thread + "." + (i & 0xff) + "." + (k + 1))
          .setMac("02:00:00:00:02:01").setUnderlayIp("127.0.0.3"));
    }
    return b.build();
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void assertHeapBounded(long before) throws InterruptedException {
    long after = heapAfterGc();
    assertTrue(after - before < HEAP_GROWTH_BOUND, "heap grew by " + ((after - before) >> 20) + " MiB after GC");
  }
}
