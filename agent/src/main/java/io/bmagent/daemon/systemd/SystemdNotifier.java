package io.bmagent.daemon.systemd;

import io.bmagent.daemon.Agent;
import io.bmagent.reconcile.StatusBook;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * What the agent tells systemd, for a {@code Type=notify} unit: {@code STATUS=} lines while starting and on notable
 * changes, {@code READY=1} once the first reconcile pass is done (so dependent units start against a card in its
 * desired state), {@code STOPPING=1} on shutdown, and the {@link Watchdog} when the unit has {@code WatchdogSec=}. Outside systemd
 * (no {@code NOTIFY_SOCKET}) every method does nothing.
 */
public final class SystemdNotifier implements AutoCloseable {

  private static final Logger log = Logger.getLogger(SystemdNotifier.class.getName());
  /** The self health check's deadline: generous for a loaded card, short against the watchdog's period. */
  private static final Duration MAX_HEALTH_DEADLINE = Duration.ofSeconds(5);
  private static final Duration STATUS_PERIOD = Duration.ofSeconds(1);

  private final NotifySocket socket;
  private final Optional<Duration> watchdogTimeout;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Watchdog watchdog;
  private boolean closed;

  private SystemdNotifier(NotifySocket socket, Optional<Duration> watchdogTimeout) {
    this.socket = socket;
    this.watchdogTimeout = watchdogTimeout;
  }

  /** Reads {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC} and {@code WATCHDOG_PID}. */
  public static SystemdNotifier fromEnvironment(Map<String, String> env) {
    String name = env.get("NOTIFY_SOCKET");
    if (name == null || name.isEmpty()) {
      return new SystemdNotifier(null, Optional.empty());
    }
    log.info(() -> "notifying systemd at " + name);
    return new SystemdNotifier(NotifySocket.open(name), Watchdog.timeout(env));
  }

  public boolean enabled() {
    return socket != null;
  }

  public void status(String text) {
    send("STATUS=" + text);
  }

  /** Announces readiness after the agent's first reconcile pass, then starts the watchdog if systemd wants one. */
  public void watch(Agent agent) {
    if (socket == null) {
      return;
    }
    agent.reconciler().firstPass().thenRun(() -> ready(agent));
  }

  private synchronized void ready(Agent agent) {
    if (closed) {
      return;
    }
    String line = statusLine(agent);
    send("READY=1\nSTATUS=" + line);
    startStatusLines(agent, line);
    watchdogTimeout.ifPresent(timeout -> {
      Duration interval = timeout.dividedBy(2);
      Duration deadline = interval.dividedBy(2).compareTo(MAX_HEALTH_DEADLINE) < 0
          ? interval.dividedBy(2) : MAX_HEALTH_DEADLINE;
      watchdog = new Watchdog(socket, interval, List.of(
          new ReconcilerProbe(agent.reconciler(), timeout),
          new GrpcHealthProbe(selfChannel(agent), deadline)));
      watchdog.start();
      log.info(() -> "systemd watchdog: pinging every " + interval.toMillis() + "ms while healthy");
    });
  }

  /**
   * What {@code systemctl status} shows while serving: the host's power, the devices and the NIC as the reconciler last
   * observed them. Polled, because a subscription to the event log would count as a client in the metrics; sent only
   * when it changes.
   */
  static String statusLine(Agent agent) {
    StatusBook book = agent.statusBook();
    int volumes = book.devices().size();
    return "serving on port " + agent.port() + "; host power " + book.power() + "; " + volumes
        + (volumes == 1 ? " volume" : " volumes") + "; NIC " + (book.port().isPresent() ? "up" : "absent");
  }

  private void startStatusLines(Agent agent, String first) {
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "systemd-status");
      t.setDaemon(true);
      return t;
    });
    resources.add(0, () -> {
      poller.shutdownNow();
      poller.awaitTermination(2, TimeUnit.SECONDS);
    });
    String[] last = {first};
    poller.scheduleWithFixedDelay(() -> {
      String line = statusLine(agent);
      if (!line.equals(last[0])) {
        last[0] = line;
        send("STATUS=" + line);
      }
    }, STATUS_PERIOD.toMillis(), STATUS_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A channel to the agent's own API: the Unix socket when there is one, since only the agent's user can reach it and
   * it needs no client certificate; otherwise the TCP port on the address it listens on, or loopback for a wildcard.
   */
  private ManagedChannel selfChannel(Agent agent) {
    ManagedChannel channel;
    if (agent.socket().isPresent()) {
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
      resources.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
      channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(agent.socket().get().toString()))
          .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
    } else {
      InetSocketAddress a = agent.address();
      InetAddress host = a.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : a.getAddress();
      channel = NettyChannelBuilder.forAddress(new InetSocketAddress(host, a.getPort())).usePlaintext().build();
    }
    resources.add(0, channel::shutdownNow);
    return channel;
  }

  /**
   * Tells systemd the agent is shutting down, so a slow drain is not mistaken for a hang; the watchdog and the status
   * lines end first, since a draining server reports NOT_SERVING by design.
   */
  public synchronized void stopping() {
    closeResources();
    send("STOPPING=1\nSTATUS=stopping");
  }

  private void send(String message) {
    if (socket != null) {
      socket.send(message);
    }
  }

  /** The watchdog, for tests that count its checks; null before readiness or without {@code WATCHDOG_USEC}. */
  synchronized Watchdog watchdog() {
    return watchdog;
  }

  private void closeResources() {
    closed = true;
    if (watchdog != null) {
      watchdog.close();
    }
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        log.fine(() -> "closing " + r + ": " + e);
      }
    }
    resources.clear();
  }

  @Override
  public synchronized void close() {
    closeResources();
    if (socket != null) {
      socket.close();
    }
  }
}
