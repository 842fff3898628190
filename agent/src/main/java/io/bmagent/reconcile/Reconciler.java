package io.bmagent.reconcile;

import io.bmagent.api.v1.EventType;
import io.bmagent.card.Card;
import io.bmagent.card.CardEvent;
import io.bmagent.card.CardException;
import io.bmagent.domain.DesiredState;
import io.bmagent.domain.InstanceManager;
import io.bmagent.domain.ResourceKind;
import io.bmagent.domain.SpecChange;
import io.bmagent.domain.StateHolder;
import io.bmagent.events.EventLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs reconcile passes on one thread, the card's only writer. A pass runs the dirty targets in {@link Target} order;
 * a target that fails with a retryable error is retried after a backoff, one that can never succeed waits for the
 * next change of its spec.
 */
public final class Reconciler implements AutoCloseable {

  private static final Logger log = Logger.getLogger(Reconciler.class.getName());

  private final StateHolder state;
  private final StatusBook book;
  private final EventLog events;
  private final Duration resync;
  private final Backoff backoff;
  private final ScheduledExecutorService thread;
  private final HostStep host;
  private final StorageStep storage;
  private final NetworkStep network;
  private final PolicyStep policy;
  private final MappingStep mappings;
  private final EnumSet<Target> dirty = EnumSet.noneOf(Target.class);
  private final EnumMap<Target, Integer> failures = new EnumMap<>(Target.class);
  private final Map<String, Integer> volumeAttempts = new HashMap<>();
  private final CompletableFuture<Void> firstPass = new CompletableFuture<>();
  private final AtomicLong passes = new AtomicLong();
  private final AtomicLong failedTargets = new AtomicLong();
  private volatile long lastPassNanos = System.nanoTime();
  private volatile Thread worker;
  private boolean scheduled;
  private boolean forceMappings = true;

  public Reconciler(Card card, StateHolder state, InstanceManager instances, StatusBook book, EventLog events,
      String hostNqn, Duration resync, Backoff backoff) {
    this.state = state;
    this.book = book;
    this.events = events;
    this.resync = resync;
    this.backoff = backoff;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "reconciler");
      t.setDaemon(true);
      worker = t;
      return t;
    });
    this.host = new HostStep(card, book, instances::recordRebootsDone, instances::recordStoppedByHost);
    this.storage = new StorageStep(card, book, hostNqn);
    this.network = new NetworkStep(card, book);
    this.policy = new PolicyStep(card, book);
    this.mappings = new MappingStep(card);
    state.addListener(this::changed);
    card.setListener(this::cardEvent);
  }

  public Reconciler(Card card, StateHolder state, InstanceManager instances, StatusBook book, EventLog events,
      String hostNqn) {
    this(card, state, instances, book, events, hostNqn, Duration.ofSeconds(30), Backoff.DEFAULT);
  }

  /** Starts the first pass over every target, and the periodic resync that catches drift on the card. */
  public void start() {
    trigger(EnumSet.allOf(Target.class));
    if (!resync.isZero()) {
      thread.scheduleWithFixedDelay(this::resync, resync.toMillis(), resync.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Completes after the first pass over every target, whatever its outcome. */
  public CompletableFuture<Void> firstPass() {
    return firstPass;
  }

  public long passes() {
    return passes.get();
  }

  /** How many times a target of a pass failed, retryable or not; a metric. */
  public long failedTargets() {
    return failedTargets.get();
  }

  /**
   * Queues a no-op on the reconciler's thread and completes when it has run, so a watchdog can tell a thread that is
   * stuck in a card call from one that is merely idle; completes exceptionally once the reconciler is closed.
   */
  public CompletableFuture<Void> heartbeat() {
    CompletableFuture<Void> beat = new CompletableFuture<>();
    try {
      thread.execute(() -> beat.complete(null));
    } catch (RejectedExecutionException e) {
      beat.completeExceptionally(e);
    }
    return beat;
  }

  /** Where the reconciler's thread is now, so a watchdog can log which card call it is stuck in. */
  public StackTraceElement[] stack() {
    Thread t = worker;
    return t == null ? new StackTraceElement[0] : t.getStackTrace();
  }

  /** When the last pass ended, by {@link System#nanoTime()}; a watchdog uses it to tell a stuck reconciler. */
  public long lastPassNanos() {
    return lastPassNanos;
  }

  /** Runs a card operation on the reconciler's thread, so the card keeps one writer, and waits for it. */
  public <T> T call(Callable<T> op, Duration timeout) {
    Future<T> f = thread.submit(op);
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new CardException(CardException.Reason.IO, e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new CardException(CardException.Reason.TIMEOUT, "card did not answer within " + timeout.toMillis() + "ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CardException(CardException.Reason.UNAVAILABLE, "interrupted");
    }
  }

  /** Asks for a pass over everything but the overlay table, to refresh statuses after an out-of-band card call. */
  public void refresh() {
    trigger(EnumSet.complementOf(EnumSet.of(Target.MAPPINGS)));
  }

  private void changed(List<SpecChange> changes) {
    boolean onlyMappings = changes.stream().allMatch(c -> c.kind() == ResourceKind.VPC_MAPPINGS);
    for (SpecChange c : changes) {
      events.publish(switch (c.type()) {
        case CREATED -> EventType.EVENT_TYPE_CREATED;
        case UPDATED -> EventType.EVENT_TYPE_UPDATED;
        case DELETED -> EventType.EVENT_TYPE_DELETED;
      }, c.kind().key(), c.id(), "", "", "");
    }
    trigger(onlyMappings ? EnumSet.of(Target.MAPPINGS) : EnumSet.complementOf(EnumSet.of(Target.MAPPINGS)));
  }

  private void cardEvent(CardEvent e) {
    events.publish(EventType.EVENT_TYPE_CARD, "card", e.objectId(), "", e.kind().name(), e.message());
    trigger(EnumSet.complementOf(EnumSet.of(Target.MAPPINGS)));
  }

  private void resync() {
    synchronized (this) {
      forceMappings = true;
    }
    trigger(EnumSet.allOf(Target.class));
  }

  private synchronized void trigger(EnumSet<Target> targets) {
    // A card event or a retry can arrive while the agent closes; there is nothing left to reconcile for.
    if (thread.isShutdown()) {
      return;
    }
    dirty.addAll(targets);
    if (!scheduled) {
      scheduled = true;
      thread.execute(this::pass);
    }
  }

  private void pass() {
    EnumSet<Target> todo;
    boolean force;
    synchronized (this) {
      scheduled = false;
      todo = EnumSet.copyOf(dirty.isEmpty() ? EnumSet.of(Target.HOST_UP) : dirty);
      dirty.clear();
      force = forceMappings;
      forceMappings = false;
    }
    DesiredState desired = state.current();
    boolean devicesReady = true;
    for (Target t : todo) {
      try {
        switch (t) {
          case HOST_DOWN -> host.down(desired);
          case STORAGE -> devicesReady &= storage.run(desired, volumeAttempts);
          case NETWORK -> network.run(desired, failures.getOrDefault(t, 0));
          case POLICY -> policy.run(desired, failures.getOrDefault(t, 0));
          case MAPPINGS -> mappings.run(state.mappings(), force);
          case HOST_UP -> host.up(desired, devicesReady && ready(desired), terminalFailure(desired));
        }
        failures.remove(t);
      } catch (CardException e) {
        devicesReady = false;
        onFailure(t, e);
      } catch (RuntimeException e) {
        devicesReady = false;
        log.log(Level.WARNING, "reconcile " + t + " failed unexpectedly", e);
        onFailure(t, new CardException(CardException.Reason.IO, String.valueOf(e.getMessage()), e));
      }
    }
    passes.incrementAndGet();
    lastPassNanos = System.nanoTime();
    if (!firstPass.isDone()) {
      firstPass.complete(null);
    }
  }

  /**
   * A device of the instance that failed for good (the card refused it as specified, e.g. a block size the target
   * does not have): the instance cannot converge either until the spec changes, and says why instead of waiting.
   * The boot volume is looked at first.
   */
  private Optional<HostStep.Failure> terminalFailure(DesiredState desired) {
    List<String> volumes = new ArrayList<>(desired.volumes().keySet());
    desired.instance().ifPresent(r -> {
      String boot = r.getInstance().getSpec().getBootDisk().getCloudVolume().getVolumeId();
      if (volumes.remove(boot)) {
        volumes.add(0, boot);
      }
    });
    for (String id : volumes) {
      Optional<Status> s = book.get(StorageStep.TYPE, id);
      if (s.isPresent() && s.get().phase().equals("FAILED")) {
        return Optional.of(new HostStep.Failure("volume " + id, s.get().reason(), s.get().message()));
      }
    }
    return desired.nic().flatMap(n -> book.get(NetworkStep.TYPE, n.getSpec().getNicId())
        .filter(s -> s.phase().equals("FAILED"))
        .map(s -> new HostStep.Failure("network interface " + n.getSpec().getNicId(), s.reason(), s.message())));
  }

  private boolean ready(DesiredState desired) {
    boolean volumes = desired.volumes().keySet().stream()
        .allMatch(id -> book.get(StorageStep.TYPE, id).map(Status::ready).orElse(false));
    boolean nic = desired.nic().map(n -> book.get(NetworkStep.TYPE, n.getSpec().getNicId())
        .map(Status::ready).orElse(false)).orElse(true);
    return volumes && nic;
  }

  private void onFailure(Target t, CardException e) {
    failedTargets.incrementAndGet();
    int n = failures.merge(t, 1, Integer::sum);
    if (!e.retryable()) {
      log.warning(() -> "reconcile " + t + " cannot succeed: " + e.getMessage());
      return;
    }
    Duration delay = backoff.delay(n);
    log.fine(() -> "reconcile " + t + " failed (" + e.getMessage() + "), retry " + n + " in " + delay.toMillis() + "ms");
    if (n == 1) {
      log.info(() -> "reconcile " + t + " failed: " + e.getMessage() + "; retrying with backoff");
    }
    if (!thread.isShutdown()) {
      thread.schedule(() -> trigger(EnumSet.of(t, Target.HOST_UP)), delay.toMillis(), TimeUnit.MILLISECONDS);
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
