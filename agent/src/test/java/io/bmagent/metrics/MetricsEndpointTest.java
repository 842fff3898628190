package io.bmagent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.DetachVolumeRequest;
import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.WatchEventsRequest;
import io.bmagent.card.BlockDeviceStats;
import io.bmagent.card.PortStats;
import io.bmagent.daemon.AgentConfig;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsEndpointTest {

  static final Map<String, String> PROVISION =
      Map.of("service", "bmagent.v1.InstanceService", "method", "ProvisionInstance");

  @TempDir Path dir;
  MemoryCard card = new MemoryCard();
  AgentFixture f;
  URI uri;

  @BeforeEach
  void start() throws Exception {
    f = new AgentFixture(AgentConfig.forTests(dir).withMetricsListen(new InetSocketAddress("127.0.0.1", 0)), card);
    InetSocketAddress a = f.agent.metricsAddress().orElseThrow();
    uri = URI.create("http://127.0.0.1:" + a.getPort() + "/metrics");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void servesTheTextFormatWithJvmAndProcessMeters() throws Exception {
    Scrape s = Scrape.of(uri);
    assertEquals(Metrics.CONTENT_TYPE, s.response().headers().firstValue("content-type").orElse(""));
    for (String name : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds",
        "process_cpu_usage", "bmagent_reconcile_passes_total", "bmagent_reconcile_errors_total",
        "bmagent_reconcile_last_pass_age_seconds", "bmagent_host_powered_on"}) {
      assertTrue(s.has(name), name + " in\n" + s.response().body());
    }
    assertTrue(s.require("bmagent_reconcile_passes_total", Map.of()) >= 1);
  }

  @Test
  void provisioningMovesRpcReconcileAndCardCounters() throws Exception {
    Scrape before = Scrape.of(uri);
    assertFalse(before.value("bmagent_grpc_server_requests_seconds_count", PROVISION).isPresent());
    double passes = before.require("bmagent_reconcile_passes_total", Map.of());

    f.instances.provisionInstance(Specs.provision(true));
    ProvisionInstanceRequest other = Specs.provision(true).toBuilder()
        .setSpec(Specs.instance().toBuilder().putLabels("team", "other")).build();
    assertEquals(Status.Code.ALREADY_EXISTS, AgentFixture.code(() -> f.instances.provisionInstance(other)));
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    card.setStats("vol-boot", new BlockDeviceStats(10, 20, 40960, 81920, 1));
    card.setPortStats(new PortStats(5, 500, 6, 600, Map.of("acl", 3L, "spoofed", 1L), 7));
    f.agent.reconciler().refresh();
    AgentFixture.awaitTrue(() -> scrape().value("bmagent_volume_read_operations_total", Map.of("volume", "vol-boot"))
        .orElse(0) == 10, "the volume's counters observed");

    Scrape s = Scrape.of(uri);
    assertEquals(1, s.require("bmagent_grpc_server_requests_seconds_count", with(PROVISION, "code", "OK")));
    assertEquals(1, s.require("bmagent_grpc_server_requests_seconds_count", with(PROVISION, "code",
        "ALREADY_EXISTS")));
    assertTrue(s.require("bmagent_grpc_server_requests_seconds_bucket", with(with(PROVISION, "code", "OK"),
        "le", "+Inf")) == 1, "latency histogram");
    assertTrue(s.require("bmagent_reconcile_passes_total", Map.of()) > passes);
    assertEquals(1, s.require("bmagent_host_powered_on", Map.of()));

    Map<String, String> vol = Map.of("volume", "vol-boot");
    assertEquals(20, s.require("bmagent_volume_write_operations_total", vol));
    assertEquals(40960, s.require("bmagent_volume_read_bytes_total", vol));
    assertEquals(81920, s.require("bmagent_volume_written_bytes_total", vol));
    assertEquals(1, s.require("bmagent_volume_errors_total", vol));
    assertEquals(1, s.require("bmagent_volume_path_connected", vol));
    assertEquals(0, s.require("bmagent_volume_frozen", vol));

    assertEquals(5, s.require("bmagent_port_transmitted_packets_total", Map.of()));
    assertEquals(500, s.require("bmagent_port_transmitted_bytes_total", Map.of()));
    assertEquals(6, s.require("bmagent_port_received_packets_total", Map.of()));
    assertEquals(600, s.require("bmagent_port_received_bytes_total", Map.of()));
    assertEquals(3, s.require("bmagent_port_dropped_packets_total", Map.of("reason", "acl")));
    assertEquals(1, s.require("bmagent_port_dropped_packets_total", Map.of("reason", "spoofed")));
    assertEquals(7, s.require("bmagent_port_conntrack_entries", Map.of()));
  }

  /** Counters come from the card when Prometheus asks, not from the last reconcile pass (up to 30 s old). */
  @Test
  void aScrapeRightAfterTrafficShowsTheNewCounters() throws Exception {
    f.instances.provisionInstance(Specs.provision(true));
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    // The test agent has no periodic resync: nothing but the scrape itself reads the card after this.
    card.setPortStats(new PortStats(50, 5000, 60, 6000, Map.of("security_group", 4L), 3, 2));
    card.setStats("vol-boot", new BlockDeviceStats(11, 22, 4096, 8192, 0));
    Scrape s = Scrape.of(uri);
    assertEquals(50, s.require("bmagent_port_transmitted_packets_total", Map.of()));
    assertEquals(6000, s.require("bmagent_port_received_bytes_total", Map.of()));
    assertEquals(4, s.require("bmagent_port_dropped_packets_total", Map.of("reason", "security_group")));
    assertEquals(3, s.require("bmagent_port_conntrack_entries", Map.of()));
    assertEquals(2, s.require("bmagent_port_conntrack_evictions_total", Map.of()));
    assertEquals(11, s.require("bmagent_volume_read_operations_total", Map.of("volume", "vol-boot")));
    assertEquals(8192, s.require("bmagent_volume_written_bytes_total", Map.of("volume", "vol-boot")));
  }

  @Test
  void aDetachedVolumeLeavesTheScrape() throws Exception {
    f.instances.provisionInstance(Specs.provision(false));
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
    f.volumes.attachVolume(AttachVolumeRequest.newBuilder()
        .setSpec(Specs.volume("vol-d1", VolumeRole.VOLUME_ROLE_DATA)).build());
    Map<String, String> d1 = Map.of("volume", "vol-d1");
    AgentFixture.awaitTrue(() -> scrape().value("bmagent_volume_path_connected", d1).orElse(0) == 1,
        "the data volume's meters");
    f.volumes.detachVolume(DetachVolumeRequest.newBuilder().setVolumeId("vol-d1").build());
    AgentFixture.awaitTrue(() -> scrape().value("bmagent_volume_path_connected", d1).isEmpty(),
        "the data volume's meters gone");
    assertEquals(1, Scrape.of(uri).require("bmagent_volume_path_connected", Map.of("volume", "vol-boot")));
  }

  @Test
  void countsEventSubscribers() throws Exception {
    assertEquals(0, Scrape.of(uri).require("bmagent_events_subscribers", Map.of()));
    Context.CancellableContext ctx = Context.current().withCancellation();
    ctx.run(() -> AgentServiceGrpc.newStub(f.channel).watchEvents(WatchEventsRequest.getDefaultInstance(),
        new StreamObserver<Event>() {
          @Override
          public void onNext(Event e) {
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
          }
        }));
    AgentFixture.awaitTrue(() -> scrape().require("bmagent_events_subscribers", Map.of()) == 1, "one subscriber");
    ctx.cancel(null);
    AgentFixture.awaitTrue(() -> scrape().require("bmagent_events_subscribers", Map.of()) == 0, "none after cancel");
    AgentFixture.awaitTrue(() -> scrape().value("bmagent_grpc_server_requests_seconds_count",
        Map.of("method", "WatchEvents", "code", "CANCELLED")).orElse(0) == 1, "the cancelled stream counted");
  }

  @Test
  void servesOnlyGetMetrics() throws Exception {
    HttpResponse<String> other = Scrape.get(uri.resolve("/other"), "GET");
    assertEquals(404, other.statusCode());
    HttpResponse<String> post = Scrape.get(uri, "POST");
    assertEquals(405, post.statusCode());
    assertEquals("GET", post.headers().firstValue("allow").orElse(""));
  }

  private Scrape scrape() {
    try {
      return Scrape.of(uri);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    var m = new java.util.HashMap<>(labels);
    m.put(key, value);
    return m;
  }
}
