package io.bmagent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.EventType;
import io.bmagent.api.v1.GetInventoryRequest;
import io.bmagent.api.v1.Inventory;
import io.bmagent.api.v1.WatchEventsRequest;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentApiTest {

  @TempDir Path dir;
  AgentFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new AgentFixture(dir, new MemoryCard());
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  @Test
  void inventoryDescribesTheCard() {
    Inventory inv = f.agentService.getInventory(GetInventoryRequest.getDefaultInstance());
    assertEquals("memory", inv.getDriverName());
    assertEquals(List.of("NVME", "VIRTIO_BLK"), inv.getCapabilities().getDeviceTypesList());
    assertEquals(1, inv.getLimits().getMaxNetworkInterfaces());
    assertEquals(16, inv.getLimits().getMaxVolumes());
  }

  @Test
  void healthServesAfterTheFirstPassAndReflectionListsTheServices() throws Exception {
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(f.channel)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    CompletableFuture<ServerReflectionResponse> reply = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(f.channel).serverReflectionInfo(
        new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse r) {
            reply.complete(r);
          }

          @Override
          public void onError(Throwable t) {
            reply.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
          }
        });
    req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> names = reply.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
        .map(s -> s.getName()).toList();
    req.onCompleted();
    assertTrue(names.containsAll(List.of("bmagent.v1.InstanceService", "bmagent.v1.VolumeService",
        "bmagent.v1.NetworkService", "bmagent.v1.AgentService", "grpc.health.v1.Health")), names.toString());
  }

  @Test
  void eventsStreamAndResumeAfterTheLastSeen() throws Exception {
    List<Event> seen = new CopyOnWriteArrayList<>();
    var call = AgentServiceGrpc.newStub(f.channel).withWaitForReady();
    var ctx = io.grpc.Context.current().withCancellation();
    ctx.run(() -> call.watchEvents(WatchEventsRequest.newBuilder().addResourceTypes("instance").build(),
        new StreamObserver<>() {
          @Override
          public void onNext(Event e) {
            seen.add(e);
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
          }
        }));
    AgentFixture.awaitTrue(() -> f.agent.events().subscriberCount() == 1, "subscribed");
    f.instances.provisionInstance(Specs.provision(true));
    AgentFixture.awaitTrue(() -> seen.stream().anyMatch(e -> "RUNNING".equals(e.getPhase())), "RUNNING event");
    ctx.cancel(null);
    assertEquals(EventType.EVENT_TYPE_CREATED, seen.get(0).getType());
    assertTrue(seen.stream().allMatch(e -> e.getResourceType().equals("instance")));

    var resumed = f.agentService.watchEvents(WatchEventsRequest.newBuilder()
        .setResumeToken(seen.get(0).getResumeToken()).addResourceTypes("instance").build());
    assertEquals(seen.get(1), resumed.next(), "resumes right after the token");
    var stale = f.agentService.watchEvents(WatchEventsRequest.newBuilder().setResumeToken("older-run:5").build());
    assertEquals(EventType.EVENT_TYPE_RESYNC, stale.next().getType());
  }
}
