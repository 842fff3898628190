package io.bmagent.lab;

import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.EventType;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.WatchEventsRequest;
import io.bmagent.card.Card;
import io.bmagent.card.soft.SoftCardProvider;
import io.bmagent.daemon.Agent;
import io.bmagent.daemon.AgentConfig;
import io.bmagent.daemon.StartupFailure;
import io.bmagent.daemon.StateDirectory;
import io.bmagent.daemon.security.ListenerSecurity;
import io.bmagent.domain.ImagePolicy;
import io.bmagent.lab.gateway.Internet;
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
  static final String CARD_UNDERLAY = "127.0.0.2";

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

  @Option(names = "--guest", description = "Boot a real cloud OS (Debian 12 under QEMU, built by guest/debian-image.sh)"
      + " as the host, and print the ssh line that logs in through its elastic IP from the lab's internet namespace.")
  boolean guest;

  @Override
  public Integer call() throws Exception {
    // A lab already running in this directory keeps it: this run would delete its state under it.
    StateDirectory lock = StateDirectory.acquire(dir, "--dir");
    // Each run is a fresh delivery: an earlier run's instance names a target port that is gone now.
    deleteTree(dir.resolve("state"));
    deleteTree(dir.resolve("target"));
    Files.createDirectories(dir.resolve("target"));
    long t0 = System.nanoTime();
    LabGuest cloudGuest = null;
    if (guest) {
      try {
        cloudGuest = LabGuest.prepare(dir);
      } catch (IOException e) {
        System.err.println("bm-agent lab: " + e.getMessage());
        return 2;
      }
      step(t0, "Debian 12 cloud image ready in " + cloudGuest.rootfs().getParent());
    }
    Path image = cloudGuest == null ? LabImage.create(dir, (long) imageMib << 20) : cloudGuest.rootfs();
    long imageBytes = Files.size(image);
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0).dataDir(dir.resolve("target")));
    Subsystem subsystem = target.addSubsystem(NQN);
    // The guest's image is already this run's own copy, and too large to clone into memory: it is the volume.
    int bootNsid = cloudGuest == null ? subsystem.cloneImage(image, 4096)
        : subsystem.addFileNamespace(image, imageBytes, 4096).nsid();
    int targetPort = target.start();
    step(t0, "storage target serving " + NQN + " on 127.0.0.1:" + targetPort + " (boot volume cloned from "
        + image.getFileName() + ")");
    HostNamespace host = cloudGuest == null && HostNamespace.possible() ? HostNamespace.create("bmlab-host") : null;
    Map<String, String> cardOptions = new HashMap<>(Map.of("underlay", CARD_UNDERLAY, "underlay-port",
        Integer.toString(underlayPort)));
    if (host != null) {
      cardOptions.put("host-netns", host.name());
    }
    if (cloudGuest != null) {
      cardOptions.putAll(cloudGuest.cardOptions());
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
    step(t0, "soft card open (underlay " + CARD_UNDERLAY + ":" + underlayPort + ", host port " + (cloudGuest != null
        ? "vhost-user to QEMU" : host == null ? "unplugged: not root" : "TAP in namespace " + host.name()) + ")");
    Internet internet = cloudGuest == null ? null : cloudGuest.internet(CARD_UNDERLAY, underlayPort);
    if (internet != null) {
      step(t0, "VPC gateway on " + ControlPlane.GATEWAY + " to the internet namespace " + internet.namespace());
    }
    int colon = listen.lastIndexOf(':');
    AgentConfig config = new AgentConfig(dir.resolve("state"),
        new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))),
        dir.resolve("state").resolve("agent.sock"), AgentConfig.DEFAULT_HOST_NQN, Duration.ofSeconds(30),
        Clock.systemUTC(), ListenerSecurity.defaults(), null,
        cloudGuest == null ? ImagePolicy.builtIn() : LabGuest.imagePolicy());
    Agent agent = Agent.start(config, card);
    agent.reconciler().firstPass().get(30, TimeUnit.SECONDS);
    step(t0, "agent serving on 127.0.0.1:" + agent.port() + " and " + config.socket());
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", agent.port()).usePlaintext().build();
    try {
      long provisioned = System.nanoTime();
      Duration delivery = deliver(channel, bootNsid, targetPort, imageBytes, cloudGuest);
      System.out.printf("%ndelivery time: %d ms from ProvisionInstance to RUNNING with boot disk, NIC and security "
          + "groups in place%n", delivery.toMillis());
      if (host != null) {
        host.exec("ip", "link", "set", "bmhost0", "up");
      }
      if (cloudGuest != null) {
        System.out.printf("%nthe host boots Debian under QEMU (TCG: about 80 s here; `bmctl instance console` shows "
            + "it); log in from the lab's internet with:%n  %s%n", String.join(" ", cloudGuest.ssh("")));
        if (cloudGuest.awaitLogin(600)) {
          System.out.printf("SSH login through elastic IP %s: %d ms after ProvisionInstance%n", LabGuest.ELASTIC_IP,
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - provisioned));
        } else {
          System.out.println("no SSH login in 600 s: see `bmctl instance console`");
          if (exitAfterDelivery) {
            return 1;
          }
        }
      }
      if (!exitAfterDelivery) {
        System.out.println("serving until interrupted (Ctrl-C): gRPC on 127.0.0.1:" + agent.port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          shutdown(channel, agent, target, host, internet);
          lock.close();
        }));
        agent.awaitTermination();
        return 0;
      }
    } finally {
      if (exitAfterDelivery) {
        shutdown(channel, agent, target, host, internet);
        lock.close();
      }
    }
    return 0;
  }

  private static Duration deliver(ManagedChannel channel, int bootNsid, int targetPort, long size, LabGuest guest)
      throws IOException {
    ControlPlane cp = new ControlPlane(NetworkServiceGrpc.newBlockingStub(channel),
        InstanceServiceGrpc.newBlockingStub(channel));
    cp.prepareVpc();
    Iterator<Event> events = AgentServiceGrpc.newBlockingStub(channel)
        .watchEvents(WatchEventsRequest.getDefaultInstance());
    long start = System.nanoTime();
    cp.provision(NQN, bootNsid, targetPort, size, guest);
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

  private static void shutdown(ManagedChannel channel, Agent agent, NvmeTcpTarget target, HostNamespace host,
      Internet internet) {
    if (internet != null) {
      // The lab's QEMU would outlive the agent, as a host outlives its card's software: the lab ends it.
      var instances = InstanceServiceGrpc.newBlockingStub(channel);
      instances.withDeadlineAfter(30, TimeUnit.SECONDS).stopInstance(StopInstanceRequest.newBuilder().setForce(true)
          .build());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline && instances.withDeadlineAfter(30, TimeUnit.SECONDS)
          .getInstance(GetInstanceRequest.getDefaultInstance()).getStatus().getPhase()
          != InstancePhase.INSTANCE_PHASE_STOPPED) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
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
    if (internet != null) {
      try {
        internet.close();
      } catch (IOException | InterruptedException e) {
        System.err.println("bm-agent lab: cannot remove the internet namespace: " + e.getMessage());
      }
    }
  }
}
