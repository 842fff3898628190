package io.bmagent.metrics;

import io.bmagent.card.BlockDeviceState;
import io.bmagent.card.Card;
import io.bmagent.card.BlockDeviceStats;
import io.bmagent.card.PathState;
import io.bmagent.card.PortState;
import io.bmagent.card.PortStats;
import io.bmagent.card.PowerState;
import io.bmagent.reconcile.StatusBook;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The card's counters and state: per-volume I/O counters, path and freeze state; the port's packets, bytes, drops by
 * reason and conntrack entries; the host's power. Counters are read from the card itself at each scrape, not from the
 * last reconcile pass (up to its resync period old), and only when the card cannot answer from what the reconciler
 * last observed ({@link StatusBook}); the host's power is the book's. Volumes and drop reasons come and go, so the
 * meters are brought in line before each scrape; counters restart from zero when a device is re-attached, which
 * Prometheus treats as a reset.
 */
public final class CardStatusMetrics {

  private final StatusBook book;
  private final Card card;
  private final MeterRegistry registry;
  /** What the card reported at the start of the current scrape. */
  private volatile Optional<PortStats> port = Optional.empty();
  private volatile Map<String, BlockDeviceState> devices = Map.of();
  private final Map<String, List<Meter>> volumes = new HashMap<>();
  private final Set<String> dropReasons = new HashSet<>();
  private final Set<String> metadataStatuses = new HashSet<>();

  private CardStatusMetrics(StatusBook book, Card card, MeterRegistry registry) {
    this.book = book;
    this.card = card;
    this.registry = registry;
  }

  /** Registers the fixed meters now and the per-volume and per-reason ones at every scrape. */
  public static void register(StatusBook book, Card card, Metrics metrics) {
    CardStatusMetrics m = new CardStatusMetrics(book, card, metrics.registry());
    m.registerFixed();
    metrics.beforeScrape(m::refresh);
  }

  private void registerFixed() {
    Gauge.builder("bmagent.host.powered.on", book, b -> b.power() == PowerState.ON ? 1 : 0)
        .description("1 when the card reports the host powered on").register(registry);
    Gauge.builder("bmagent.port.up", this, m -> m.port.isPresent() ? 1 : 0)
        .description("1 when the host's port is configured on the card").register(registry);
    portCounter("bmagent.port.transmitted.packets", null, "Packets sent by the host", PortStats::txPackets);
    portCounter("bmagent.port.transmitted", BaseUnits.BYTES, "Bytes sent by the host", PortStats::txBytes);
    portCounter("bmagent.port.received.packets", null, "Packets delivered to the host", PortStats::rxPackets);
    portCounter("bmagent.port.received", BaseUnits.BYTES, "Bytes delivered to the host", PortStats::rxBytes);
    Gauge.builder("bmagent.port.conntrack.entries", this, m -> m.port.map(PortStats::conntrackEntries).orElse(0L))
        .description("Connections tracked by the stateful security groups").register(registry);
    portCounter("bmagent.port.conntrack.evictions", null,
        "Connections a full table evicted for new ones, the unproven first", PortStats::conntrackEvictions);
  }

  private void portCounter(String name, String unit, String help, ToLongFunction<PortStats> value) {
    FunctionCounter.builder(name, this, m -> m.port.map(value::applyAsLong).orElse(0L))
        .baseUnit(unit).description(help).register(registry);
  }

  /** Reads the card now; a card that cannot answer leaves what the reconciler last observed. */
  private void read() {
    Optional<PortStats> p;
    Collection<BlockDeviceState> ds;
    try {
      p = card.network().port().map(PortState::stats);
      ds = card.storage().list();
    } catch (RuntimeException e) {
      p = book.port().map(PortState::stats);
      ds = book.devices();
    }
    Map<String, BlockDeviceState> byVolume = new HashMap<>();
    ds.forEach(d -> byVolume.put(d.volumeId(), d));
    port = p;
    devices = byVolume;
  }

  private synchronized void refresh() {
    read();
    Set<String> seen = new HashSet<>();
    for (BlockDeviceState d : devices.values()) {
      seen.add(d.volumeId());
      volumes.computeIfAbsent(d.volumeId(), this::volumeMeters);
    }
    volumes.entrySet().removeIf(e -> {
      if (seen.contains(e.getKey())) {
        return false;
      }
      e.getValue().forEach(registry::remove);
      return true;
    });
    port.ifPresent(s -> s.drops().keySet().forEach(reason -> {
      if (dropReasons.add(reason)) {
        FunctionCounter.builder("bmagent.port.dropped.packets", this,
                m -> m.port.map(p -> p.drops().getOrDefault(reason, 0L)).orElse(0L))
            .tag("reason", reason).description("Packets dropped by the card, by reason").register(registry);
      }
    }));
    port.ifPresent(s -> s.metadataResponses().keySet().forEach(status -> {
      if (metadataStatuses.add(status)) {
        FunctionCounter.builder("bmagent.metadata.requests", this,
                m -> m.port.map(p -> p.metadataResponses().getOrDefault(status, 0L)).orElse(0L))
            .tag("status", status).description("Requests the card's metadata service answered, by HTTP status")
            .register(registry);
      }
    }));
  }

  private List<Meter> volumeMeters(String id) {
    List<Meter> meters = new ArrayList<>();
    meters.add(volumeCounter(id, "bmagent.volume.read.operations", null, "Read commands", BlockDeviceStats::readOps));
    meters.add(volumeCounter(id, "bmagent.volume.write.operations", null, "Write commands",
        BlockDeviceStats::writeOps));
    meters.add(volumeCounter(id, "bmagent.volume.read", BaseUnits.BYTES, "Bytes read", BlockDeviceStats::readBytes));
    meters.add(volumeCounter(id, "bmagent.volume.written", BaseUnits.BYTES, "Bytes written",
        BlockDeviceStats::writeBytes));
    meters.add(volumeCounter(id, "bmagent.volume.errors", null, "Commands that failed", BlockDeviceStats::errors));
    meters.add(volumeGauge(id, "bmagent.volume.path.connected", "1 while the NVMe-oF path is connected",
        d -> d.pathState() == PathState.CONNECTED ? 1 : 0));
    meters.add(volumeGauge(id, "bmagent.volume.frozen", "1 while I/O is frozen for a snapshot",
        d -> d.frozen() ? 1 : 0));
    return meters;
  }

  private Meter volumeCounter(String id, String name, String unit, String help, ToLongFunction<BlockDeviceStats> f) {
    return FunctionCounter.builder(name, this,
            m -> Optional.ofNullable(m.devices.get(id)).map(d -> f.applyAsLong(d.stats())).orElse(0L))
        .tag("volume", id).baseUnit(unit).description(help).register(registry);
  }

  private Meter volumeGauge(String id, String name, String help, ToDoubleFunction<BlockDeviceState> f) {
    return Gauge.builder(name, this, m -> Optional.ofNullable(m.devices.get(id)).map(f::applyAsDouble).orElse(0.0))
        .tag("volume", id).description(help).register(registry);
  }
}
