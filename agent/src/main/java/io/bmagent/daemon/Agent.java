package io.bmagent.daemon;

import io.bmagent.api.RequestParsing;
import io.bmagent.api.Services;
import io.bmagent.audit.AuditInterceptor;
import io.bmagent.card.Card;
import io.bmagent.domain.ConsoleReader;
import io.bmagent.domain.InstanceManager;
import io.bmagent.domain.MappingManager;
import io.bmagent.domain.NetworkManager;
import io.bmagent.domain.StateHolder;
import io.bmagent.domain.VolumeManager;
import io.bmagent.events.EventLog;
import io.bmagent.metrics.AgentMetrics;
import io.bmagent.metrics.CardStatusMetrics;
import io.bmagent.metrics.Metrics;
import io.bmagent.metrics.MetricsServer;
import io.bmagent.reconcile.Backoff;
import io.bmagent.reconcile.CardAccess;
import io.bmagent.reconcile.Reconciler;
import io.bmagent.reconcile.StatusBook;
import io.bmagent.store.StateStore;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** A running agent: state, reconciler and API servers over one opened card. */
public final class Agent implements AutoCloseable {

  public static final String VERSION = "0.1.0";
  private static final Logger log = Logger.getLogger(Agent.class.getName());

  private final StateStore store;
  private final Card card;
  private final Reconciler reconciler;
  private final HealthStatusManager health = new HealthStatusManager();
  private final List<Server> servers = new ArrayList<>();
  private final StateHolder state;
  private final StatusBook book;
  private final EventLog events;
  private final AgentConfig config;
  // Operations: metrics and an audit line for every call, metrics of the card's observed state; the endpoint only
  // when configured.
  private final Metrics metrics = new Metrics();
  private MetricsServer metricsServer;

  private Agent(AgentConfig config, Card card) {
    this.config = config;
    this.card = card;
    this.store = StateStore.open(config.stateDir());
    this.state = StateHolder.load(store, config.clock());
    this.events = new EventLog(config.clock(), 4096);
    this.book = new StatusBook(config.clock(), events);
    InstanceManager instances = new InstanceManager(state, card.info(), config.imagePolicy());
    this.reconciler = new Reconciler(card, state, instances, book, events, config.hostNqn(), config.resync(),
        Backoff.DEFAULT);
    CardAccess access = new CardAccess(card, state, book, reconciler, config.clock());
    List<BindableService> services = new ArrayList<>(Services.of(instances, new ConsoleReader(state, access),
        new VolumeManager(state, card.info(), access), new NetworkManager(state),
        new MappingManager(state, card.info().limits().maxVpcMappings()), book, card.info(), events, VERSION));
    services.add(health.getHealthService());
    services.add(ProtoReflectionServiceV1.newInstance());
    metrics.bind(new AgentMetrics(reconciler, events));
    CardStatusMetrics.register(book, card, metrics);
    // Requests are parsed inside the call (a malformed one is INVALID_ARGUMENT, not UNKNOWN): the audit line sees
    // parsed requests, the metrics see every call, malformed ones included.
    ServerInterceptor audit = new AuditInterceptor();
    ServerInterceptor timing = metrics.grpcInterceptor();
    services.replaceAll(s -> (BindableService) () -> ServerInterceptors.intercept(
        RequestParsing.wrap(ServerInterceptors.intercept(s, audit)), timing));
    health.setStatus("", ServingStatus.NOT_SERVING);
    reconciler.firstPass().thenRun(() -> {
      health.setStatus("", ServingStatus.SERVING);
      log.info("first reconcile pass done; serving");
    });
    servers.add(Listeners.tcp(config.listen(), services, config.security()));
    if (config.socket() != null) {
      servers.add(Listeners.unix(config.socket(), services, config.security()));
    }
  }

  /** Opens the state, starts the API servers, then the reconciler. */
  public static Agent start(AgentConfig config, Card card) throws IOException {
    Agent agent = new Agent(config, card);
    try {
      for (int i = 0; i < agent.servers.size(); i++) {
        try {
          agent.servers.get(i).start();
        } catch (IOException e) {
          throw i == 0 ? inUse(e, "the control-plane API address " + hostPort(config.listen()), "--listen")
              : inUse(e, "the Unix socket " + config.socket(), "--socket");
        }
      }
      if (config.metricsListen() != null) {
        try {
          agent.metricsServer = MetricsServer.start(config.metricsListen(), agent.metrics);
        } catch (IOException e) {
          throw inUse(e, "the metrics address " + hostPort(config.metricsListen()), "--metrics-listen");
        }
      }
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e;
    }
    agent.reconciler.start();
    return agent;
  }

  /** A listener that cannot bind: named, with the flag that moves it; other I/O failures stay as they are. */
  private static IOException inUse(IOException e, String what, String flag) {
    if (StartupFailure.addressInUse(e)) {
      throw new StartupFailure(StartupFailure.Kind.ADDRESS_IN_USE, what + " is in use (another bm-agent?): stop"
          + " it, or give " + flag + " another " + (flag.equals("--socket") ? "path" : "host:port"), e);
    }
    return e;
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  public int port() {
    return ((InetSocketAddress) servers.get(0).getListenSockets().get(0)).getPort();
  }

  /** The bound address of the control-plane API. */
  public InetSocketAddress address() {
    return (InetSocketAddress) servers.get(0).getListenSockets().get(0);
  }

  /** The Unix domain socket for local tools, if it has one. */
  public Optional<Path> socket() {
    return Optional.ofNullable(config.socket());
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The bound address of the Prometheus endpoint, if it has one. */
  public Optional<InetSocketAddress> metricsAddress() {
    return Optional.ofNullable(metricsServer).map(MetricsServer::address);
  }

  public Reconciler reconciler() {
    return reconciler;
  }

  public StatusBook statusBook() {
    return book;
  }

  public StateStore store() {
    return store;
  }

  public EventLog events() {
    return events;
  }

  public void awaitTermination() throws InterruptedException {
    for (Server s : servers) {
      s.awaitTermination();
    }
  }

  /** Stops accepting calls, lets calls in flight finish for a few seconds, then stops the reconciler and the card. */
  @Override
  public void close() {
    health.enterTerminalState();
    for (Server s : servers) {
      s.shutdown();
    }
    for (Server s : servers) {
      try {
        if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
          s.shutdownNow();
        }
      } catch (InterruptedException e) {
        s.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    reconciler.close();
    card.close();
    store.close();
    metrics.close();
  }
}
