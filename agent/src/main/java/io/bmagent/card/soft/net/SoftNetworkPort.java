package io.bmagent.card.soft.net;

import io.bmagent.card.BatchResult;
import io.bmagent.card.CardException;
import io.bmagent.card.CardInfo;
import io.bmagent.card.InstanceMetadata;
import io.bmagent.card.NetworkPort;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PortConfig;
import io.bmagent.card.PortState;
import io.bmagent.card.VpcGateway;
import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.net.conntrack.ConnTrack;
import io.bmagent.card.soft.net.conntrack.Fragments;
import io.bmagent.card.soft.net.conntrack.Timeouts;
import io.bmagent.card.soft.net.metadata.MetadataCounters;
import io.bmagent.card.soft.net.policy.MappingTable;
import io.bmagent.card.soft.net.policy.PolicySnapshot;
import io.bmagent.card.soft.net.policy.RuleSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The soft card's {@link NetworkPort}: the port, its policy tables and the overlay location table, enforced by a
 * {@link SoftPipeline}. Writers (the reconciler) are serialized; each batch builds new immutable lookup structures
 * and publishes them with one volatile write, so the data path never blocks on an update however large.
 */
public final class SoftNetworkPort implements NetworkPort, AutoCloseable {

  /** Fragmented datagrams in flight that the port follows at once; beyond, first fragments are dropped. */
  private static final int FRAGMENTED_DATAGRAMS = 4096;

  private final CardInfo.Limits limits;
  private final ConnTrack conntrack;
  private final Fragments fragments;
  private final PortCounters counters = new PortCounters();
  private final MetadataCounters metadataCounters = new MetadataCounters();
  private final LongSupplier nanoClock;
  private final Map<PolicyRule, LongAdder> hits = new ConcurrentHashMap<>();
  private final RuleBook book = new RuleBook();
  private volatile PolicySnapshot snapshot = PolicySnapshot.EMPTY;
  private PortConfig config;
  private MappingTable mappings = MappingTable.EMPTY;
  private final Map<Integer, VpcGateway> gateways = new HashMap<>();
  private volatile InstanceMetadata metadata;
  private HostPort hostPort;
  private Underlay underlay;

  /**
   * @param limits the capacities enforced: {@code maxAclEntries} for both ACL tables together,
   *     {@code maxPolicyRules} for the security-group and NAT tables, {@code maxVpcMappings} and
   *     {@code maxConnections}
   * @param nanoClock monotonic nanoseconds for connection expiry
   */
  public SoftNetworkPort(CardInfo.Limits limits, Timeouts timeouts, LongSupplier nanoClock) {
    this.limits = limits;
    this.nanoClock = nanoClock;
    this.conntrack = new ConnTrack(limits.maxConnections(), timeouts, nanoClock);
    this.fragments = new Fragments(FRAGMENTED_DATAGRAMS, nanoClock);
  }

  /** A port with the clouds' timeouts and the system clock. */
  public SoftNetworkPort(CardInfo.Limits limits) {
    this(limits, Timeouts.CLOUD, System::nanoTime);
  }

  /** A pipeline on this port's tables, delivering to the given sinks; for ports driven directly, as in tests. */
  public SoftPipeline pipeline(FrameSink host, TunnelSink tunnel) {
    return new SoftPipeline(() -> snapshot, conntrack, fragments, counters, host, tunnel, () -> metadata,
        metadataCounters, nanoClock);
  }

  /**
   * Connects the host's port and the underlay through a pipeline and starts both. A host port whose threads serve the
   * underlay's sockets ({@link ReceiveQueue}) gets a pipeline per queue, each on the queue's thread with a lane of
   * the underlay, so that each direction of each pipeline has one thread; the tables, connections and counters are
   * the port's, shared. Otherwise one pipeline, the underlay receiving on a thread of its own.
   */
  public synchronized void connect(HostPort host, Underlay tunnel) {
    if (hostPort != null) {
      throw new CardException(CardException.Reason.BUSY, "network port already connected");
    }
    hostPort = host;
    underlay = tunnel;
    if (!host.servesQueues()) {
      SoftPipeline p = pipeline(host, tunnel);
      tunnel.start(fromUnderlay(p));
      host.start(fromHost(p));
      return;
    }
    List<Underlay.Lane> lanes = tunnel.lanes(host.queues());
    List<FrameSink> receivers = new ArrayList<>();
    List<ReceiveQueue> served = new ArrayList<>();
    for (int i = 0; i < lanes.size(); i++) {
      SoftPipeline p = pipeline(host.queue(i), lanes.get(i).sink());
      receivers.add(fromHost(p));
      served.add(lanes.get(i).open(fromUnderlay(p)));
    }
    host.start(receivers, served);
  }

  private static TunnelReceiver fromUnderlay(SoftPipeline p) {
    return new TunnelReceiver() {
      @Override
      public void receive(int sourceUnderlay, byte[] packet, int offset, int length) {
        p.fromUnderlayHeld(sourceUnderlay, packet, offset, length);
      }

      @Override
      public void flush() {
        p.flushToHost();
      }
    };
  }

  private static FrameSink fromHost(SoftPipeline p) {
    return new FrameSink() {
      @Override
      public void send(byte[] frame, int offset, int length) {
        p.fromHost(frame, offset, length);
      }

      @Override
      public void sendHeld(byte[] frame, int offset, int length) {
        p.fromHostHeld(frame, offset, length);
      }

      @Override
      public void flush() {
        p.flush();
      }
    };
  }

  /** The port and its counters; expired connections are swept first so that the count is of live ones. */
  @Override
  public synchronized Optional<PortState> port() {
    conntrack.sweep();
    return Optional.ofNullable(config)
        .map(c -> new PortState(c, counters.stats(conntrack.size(), conntrack.evictions())
            .withMetadataResponses(metadataCounters.byStatus())));
  }

  @Override
  public synchronized void configure(PortConfig newConfig) {
    if (newConfig.vni() < 0 || newConfig.vni() > 0xFF_FFFF) {
      throw new CardException(CardException.Reason.INVALID, "VNI must fit 24 bits: " + newConfig.vni());
    }
    if (config != null && (config.vni() != newConfig.vni() || !config.privateIp().equals(newConfig.privateIp()))) {
      conntrack.clear();
      fragments.clear();
    }
    config = newConfig;
    publish();
  }

  @Override
  public synchronized void remove() {
    if (config == null) {
      return;
    }
    config = null;
    metadata = null;
    book.clear();
    hits.clear();
    conntrack.clear();
    fragments.clear();
    publish();
  }

  @Override
  public synchronized Set<PolicyRule> rules() {
    return Set.copyOf(book.all());
  }

  @Override
  public synchronized BatchResult applyRules(List<PolicyRule> rules) {
    int applied = 0;
    try {
      for (PolicyRule r : rules) {
        book.add(r, limits);
        applied++;
      }
      return BatchResult.all(applied);
    } catch (CardException e) {
      return BatchResult.stoppedAt(applied, e);
    } finally {
      publish();
    }
  }

  @Override
  public synchronized BatchResult removeRules(List<PolicyRule> rules) {
    for (PolicyRule r : rules) {
      book.remove(r);
      hits.remove(r);
    }
    publish();
    return BatchResult.all(rules.size());
  }

  @Override
  public synchronized Collection<VpcMapping> mappings() {
    return List.copyOf(mappings.all());
  }

  @Override
  public synchronized BatchResult upsertMappings(List<VpcMapping> batch) {
    List<VpcMapping> accepted = new ArrayList<>();
    Set<VpcMapping.Key> added = new LinkedHashSet<>();
    CardException failure = null;
    for (VpcMapping m : batch) {
      if (m.vni() < 0 || m.vni() > 0xFF_FFFF) {
        failure = new CardException(CardException.Reason.INVALID, "VNI must fit 24 bits: " + m.vni());
        break;
      }
      boolean isNew = mappings.find(m.vni(), m.ip().value()) == null && !added.contains(m.key());
      if (isNew && mappings.size() + added.size() >= limits.maxVpcMappings()) {
        failure = new CardException(CardException.Reason.NO_SPACE,
            "mapping table full (" + limits.maxVpcMappings() + ")");
        break;
      }
      if (isNew) {
        added.add(m.key());
      }
      accepted.add(m);
    }
    mappings = mappings.with(accepted);
    publish();
    return failure == null ? BatchResult.all(accepted.size()) : BatchResult.stoppedAt(accepted.size(), failure);
  }

  @Override
  public synchronized BatchResult removeMappings(List<VpcMapping.Key> keys) {
    mappings = mappings.without(keys);
    publish();
    return BatchResult.all(keys.size());
  }

  @Override
  public synchronized Collection<VpcGateway> gateways() {
    return List.copyOf(gateways.values());
  }

  @Override
  public synchronized void putGateway(VpcGateway gateway) {
    gateways.put(gateway.vni(), gateway);
    publish();
  }

  @Override
  public synchronized void removeGateway(int vni) {
    if (gateways.remove(vni) != null) {
      publish();
    }
  }

  @Override
  public Optional<InstanceMetadata> metadata() {
    return Optional.ofNullable(metadata);
  }

  @Override
  public void putMetadata(InstanceMetadata m) {
    metadata = m;
  }

  @Override
  public void removeMetadata() {
    metadata = null;
  }

  /** Packets each rule decided, since it was applied. */
  public Map<PolicyRule, Long> ruleHits() {
    Map<PolicyRule, Long> out = new HashMap<>();
    hits.forEach((r, n) -> out.put(r, n.sum()));
    return out;
  }

  /** The metadata service's counters. */
  public MetadataCounters metadataCounters() {
    return metadataCounters;
  }

  /** The data path's counters. */
  public PortCounters counters() {
    return counters;
  }

  /** Drops expired connections nobody looks up any more; call periodically. Returns how many. */
  public int sweepConnections() {
    return conntrack.sweep();
  }

  /** The version of the published tables; it moves with every change. */
  public long tablesVersion() {
    return snapshot.version();
  }

  private void publish() {
    RuleSet compiled = new RuleSet(book.all(), r -> hits.computeIfAbsent(r, k -> new LongAdder()));
    snapshot = new PolicySnapshot(snapshot.version() + 1, config, compiled, mappings, gateways);
  }

  @Override
  public synchronized void close() {
    if (hostPort != null) {
      hostPort.close();
      underlay.close();
      hostPort = null;
      underlay = null;
    }
  }
}
