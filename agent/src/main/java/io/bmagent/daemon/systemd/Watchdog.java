package io.bmagent.daemon.systemd;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pings {@code WATCHDOG=1} every half of systemd's watchdog timeout, but only while every probe is healthy: an agent
 * that hangs then misses its pings and systemd restarts it ({@code Restart=always}). Entering and leaving the unhealthy
 * state is announced with a {@code STATUS=} line and logged, so {@code systemctl status} says why.
 */
public final class Watchdog implements AutoCloseable {

  private static final Logger log = Logger.getLogger(Watchdog.class.getName());

  private final NotifySocket socket;
  private final List<Probe> probes;
  private final Duration interval;
  private final ScheduledExecutorService thread;
  private final AtomicLong ticks = new AtomicLong();
  private Probe failing;
  private String problem;

  public Watchdog(NotifySocket socket, Duration interval, List<Probe> probes) {
    this.socket = socket;
    this.interval = interval;
    this.probes = List.copyOf(probes);
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "systemd-watchdog");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * systemd's watchdog timeout from {@code WATCHDOG_USEC}, when it is meant for this process: {@code WATCHDOG_PID},
   * when set, names the process that must ping, which a child of the agent would not be.
   */
  public static Optional<Duration> timeout(Map<String, String> env) {
    String usec = env.get("WATCHDOG_USEC");
    String pid = env.get("WATCHDOG_PID");
    if (usec == null || usec.isBlank()) {
      return Optional.empty();
    }
    if (pid != null && !pid.isBlank() && Long.parseLong(pid.trim()) != ProcessHandle.current().pid()) {
      return Optional.empty();
    }
    long micros = Long.parseLong(usec.trim());
    return micros > 0 ? Optional.of(Duration.ofNanos(micros * 1000)) : Optional.empty();
  }

  public void start() {
    thread.scheduleWithFixedDelay(this::tick, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** How many checks have run; tests count them instead of waiting for time to pass. */
  public long ticks() {
    return ticks.get();
  }

  private void tick() {
    try {
      Probe failing = null;
      Optional<String> found = Optional.empty();
      for (Probe p : probes) {
        found = p.problem();
        if (found.isPresent()) {
          failing = p;
          break;
        }
      }
      if (failing != null) {
        // Announced when a different probe starts failing, not on every check: the text carries a growing duration.
        if (failing != this.failing) {
          String what = found.get();
          log.warning(() -> "watchdog: " + what + "; not pinging systemd");
          socket.send("STATUS=unhealthy: " + what);
        }
        this.failing = failing;
        problem = found.get();
      } else {
        if (this.failing != null) {
          log.info(() -> "watchdog: healthy again after " + problem);
          socket.send("STATUS=serving (recovered from: " + problem + ")");
          this.failing = null;
        }
        socket.send("WATCHDOG=1");
      }
    } catch (RuntimeException e) {
      // A probe that throws is a bug, not a hang: keep the schedule alive, and do not ping for this round.
      log.log(Level.WARNING, "watchdog probe failed", e);
    } finally {
      ticks.incrementAndGet();
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
