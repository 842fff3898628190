package io.bmagent.reconcile;

import io.bmagent.api.v1.EventType;
import io.bmagent.card.BlockDeviceState;
import io.bmagent.card.PortState;
import io.bmagent.card.PowerState;
import io.bmagent.events.EventLog;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the reconciler last saw of the card and concluded about each resource. Written by the reconciler's thread,
 * read by anyone; a change of phase or readiness is published as a STATUS event.
 */
public final class StatusBook {

  private final Clock clock;
  private final EventLog events;
  private final Map<String, Status> statuses = new ConcurrentHashMap<>();
  private final Map<String, BlockDeviceState> devices = new ConcurrentHashMap<>();
  private final Map<String, Instant> frozenUntil = new ConcurrentHashMap<>();
  private volatile PowerState power = PowerState.OFF;
  private volatile Optional<PortState> port = Optional.empty();
  private volatile long policyVersion;
  private volatile Instant firstRunning;

  public StatusBook(Clock clock, EventLog events) {
    this.clock = clock;
    this.events = events;
  }

  static String key(String resourceType, String id) {
    return resourceType + "/" + id;
  }

  public Optional<Status> get(String resourceType, String id) {
    return Optional.ofNullable(statuses.get(key(resourceType, id)));
  }

  void set(String resourceType, String id, String phase, long generation, boolean ready, String reason,
      String message, long failedAttempts) {
    String k = key(resourceType, id);
    Status old = statuses.get(k);
    boolean readyChanged = old == null || old.ready() != ready;
    long since = readyChanged ? clock.millis() : old.sinceMs();
    long observed = generation == 0 && old != null ? old.observedGeneration() : generation;
    statuses.put(k, new Status(phase, observed, ready, reason, message, since, failedAttempts));
    if (old == null || !old.phase().equals(phase) || readyChanged || !old.reason().equals(reason)) {
      events.publish(EventType.EVENT_TYPE_STATUS, resourceType, id, phase, reason, message);
    }
  }

  void forget(String resourceType, String id) {
    statuses.remove(key(resourceType, id));
  }

  /** Forgets every resource of a type, as when the instance is deprovisioned. */
  void forgetAll(String resourceType) {
    statuses.keySet().removeIf(k -> k.startsWith(resourceType + "/"));
  }

  public PowerState power() {
    return power;
  }

  void power(PowerState p) {
    power = p;
  }

  public Optional<BlockDeviceState> device(String volumeId) {
    return Optional.ofNullable(devices.get(volumeId));
  }

  /** Every device the card reported in the last pass; metrics read their counters. */
  public Collection<BlockDeviceState> devices() {
    return List.copyOf(devices.values());
  }

  void devices(Iterable<BlockDeviceState> observed) {
    devices.clear();
    observed.forEach(d -> devices.put(d.volumeId(), d));
  }

  public Optional<PortState> port() {
    return port;
  }

  void port(Optional<PortState> p) {
    port = p;
  }

  public long policyVersion() {
    return policyVersion;
  }

  void policyApplied() {
    policyVersion++;
  }

  public Optional<Instant> frozenUntil(String volumeId) {
    Instant until = frozenUntil.get(volumeId);
    if (until != null && !clock.instant().isBefore(until)) {
      frozenUntil.remove(volumeId, until);
      return Optional.empty();
    }
    return Optional.ofNullable(until);
  }

  void frozen(String volumeId, Instant until) {
    frozenUntil.put(volumeId, until);
  }

  void thawed(String volumeId) {
    frozenUntil.remove(volumeId);
  }

  public Optional<Instant> firstRunning() {
    return Optional.ofNullable(firstRunning);
  }

  void running() {
    if (firstRunning == null) {
      firstRunning = clock.instant();
    }
  }

  void resetFirstRunning() {
    firstRunning = null;
  }
}
