package io.bmagent.lab;

import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.EventType;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.WatchEventsRequest;
import io.bmagent.card.Card;
import io.bmagent.card.soft.SoftCardProvider;
import io.bmagent.daemon.Agent;
import io.bmagent.daemon.AgentConfig;
import io.bmagent.daemon.StartupFailure;
import io.bmagent.daemon.StateDirectory;
import io.bmagent.daemon.security.ListenerSecurity;
import io.bmagent.domain.ImagePolicy;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bm-agent lab}: starts the lab's cloud-disk target with an image volume, the agent on the soft card and,
 * as root, a host namespace; then provisions an instance as a control plane would, shows the progress and the
 * delivery time, and keeps serving until interrupted.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
    description = "Run a bare-metal delivery end to end on this machine, with no hardware.")
public final class LabCommand implements Callable<Integer> {

  static final String NQN = "nqn.2026-11.io.bmagent:lab-storage";

  @Option(names = "--dir", defaultValue = "/tmp/bm-agent-lab", description = "Working directory (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--listen", defaultValue = "127.0.0.1:50051", description = "Agent API address (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--image-mib", defaultValue = "64", description = "Size of the image volume in MiB.")
  int imageMib;

  @Option(names = "--underlay-port", defaultValue = "4789", description = "The soft card's VXLAN port.")
  int underlayPort;

  @Option(names = "--exit", description = "Exit after delivery instead of serving until interrupted.")
  boolean exitAfterDelivery;

  @Override
  public Integer call() throws Exception {
    // A lab already running in this directory keeps it: this run would delete its state under it.
    StateDirectory lock = StateDirectory.acquire(dir, "--dir");
    // Each run is a fresh delivery: an earlier run's instance names a target port that is gone now.
    deleteTree(dir.resolve("state"));
    deleteTree(dir.resolve("target"));
    Files.createDirectories(dir.resolve("target"));
    long t0 = System.nanoTime();
    Path image = LabImage.create(dir, (long) imageMib << 20);
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0).dataDir(dir.resolve("target")));
    Subsystem subsystem = target.addSubsystem(NQN);
    int bootNsid = subsystem.cloneImage(image, 4096);
    int targetPort = target.start();
    step(t0, "storage target serving " + NQN + " on 127.0.0.1:" + targetPort + " (boot volume cloned from "
        + image.getFileName() + ")");
    HostNamespace host = HostNamespace.possible() ? HostNamespace.create("bmlab-host") : null;
    Map<String, String> cardOptions = new HashMap<>(Map.of("underlay", "127.0.0.2", "underlay-port",
        Integer.toString(underlayPort)));
    if (host != null) {
      cardOptions.put("host-netns", host.name());
    }
    Card card;
    try {
      card = new SoftCardProvider().open(cardOptions);
    } catch (RuntimeException e) {
      target.close();
      if (host != null) {
        host.close();
      }
      throw StartupFailure.card("soft", e, "give bm-agent lab another --underlay-port");
    }
    step(t0, "soft card open (underlay 127.0.0.2:" + underlayPort + ", host port "
        + (host == null ? "unplugged: not root" : "TAP in namespace " + host.name()) + ")");
    int colon = listen.lastIndexOf(':');
    AgentConfig config = new AgentConfig(dir.resolve("state"),
        new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))),
        dir.resolve("state").resolve("agent.sock"), AgentConfig.DEFAULT_HOST_NQN, Duration.ofSeconds(30),
        Clock.systemUTC(), ListenerSecurity.defaults(), null, ImagePolicy.builtIn());
    Agent agent = Agent.start(config, card);
    agent.reconciler().firstPass().get(30, TimeUnit.SECONDS);
    step(t0, "agent serving on 127.0.0.1:" + agent.port() + " and " + config.socket());
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", agent.port()).usePlaintext().build();
    try {
      Duration delivery = deliver(channel, bootNsid, targetPort, (long) imageMib << 20);
      System.out.printf("%ndelivery time: %d ms from ProvisionInstance to RUNNING with boot disk, NIC and security "
          + "groups in place%n", delivery.toMillis());
      if (host != null) {
        host.exec("ip", "link", "set", "bmhost0", "up");
      }
      if (!exitAfterDelivery) {
        System.out.println("serving until interrupted (Ctrl-C): gRPC on 127.0.0.1:" + agent.port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          shutdown(channel, agent, target, host);
          lock.close();
        }));
        agent.awaitTermination();
        return 0;
      }
    } finally {
      if (exitAfterDelivery) {
        shutdown(channel, agent, target, host);
        lock.close();
      }
    }
    return 0;
  }

  private static Duration deliver(ManagedChannel channel, int bootNsid, int targetPort, long size) {
    ControlPlane cp = new ControlPlane(NetworkServiceGrpc.newBlockingStub(channel),
        InstanceServiceGrpc.newBlockingStub(channel));
    cp.prepareVpc();
    Iterator<Event> events = AgentServiceGrpc.newBlockingStub(channel)
        .watchEvents(WatchEventsRequest.getDefaultInstance());
    long start = System.nanoTime();
    cp.provision(NQN, bootNsid, targetPort, size);
    while (events.hasNext()) {
      Event e = events.next();
      if (e.getType() == EventType.EVENT_TYPE_STATUS || e.getType() == EventType.EVENT_TYPE_CREATED) {
        System.out.printf("  +%6.1f ms  %-17s %-14s %s%n", (System.nanoTime() - start) / 1e6, e.getResourceType(),
            e.getResourceId(), e.getType() == EventType.EVENT_TYPE_CREATED ? "CREATED" : e.getPhase());
      }
      if (e.getResourceType().equals("instance") && e.getPhase().equals("RUNNING")) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
    }
    throw new IllegalStateException("the event stream ended before the instance was RUNNING");
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void step(long t0, String what) {
    System.out.printf("[%6.0f ms] %s%n", (System.nanoTime() - t0) / 1e6, what);
  }

  private static void shutdown(ManagedChannel channel, Agent agent, NvmeTcpTarget target, HostNamespace host) {
    channel.shutdownNow();
    agent.close();
    try {
      target.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (host != null) {
      host.close();
    }
  }
}
