package io.bmagent.domain;

import io.bmagent.card.VpcGateway;
import io.bmagent.card.VpcMapping;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The desired overlay location table in memory. It is updated in place after each committed change instead of being
 * copied, since it holds hundreds of thousands of entries; its version tells the reconciler whether it moved.
 */
public final class MappingTable {

  static final String VERSION_COUNTER = "vpc_mappings.version";

  private final Map<VpcMapping.Key, VpcMapping> entries;
  private final Map<Integer, VpcGateway> gateways = new ConcurrentHashMap<>();
  private final AtomicLong version;

  /** @param expected entries about to be loaded: sized once, the load does not rehash a large table step by step */
  MappingTable(long version, int expected) {
    this.version = new AtomicLong(version);
    this.entries = new ConcurrentHashMap<>(Math.max(16, expected + expected / 3));
  }

  void load(Collection<VpcMapping> ms, Collection<VpcGateway> gs) {
    ms.forEach(m -> entries.put(m.key(), m));
    gs.forEach(g -> gateways.put(g.vni(), g));
  }

  void upsert(Collection<VpcMapping> ms, Collection<VpcGateway> gs, long newVersion) {
    ms.forEach(m -> entries.put(m.key(), m));
    gs.forEach(g -> gateways.put(g.vni(), g));
    version.set(newVersion);
  }

  void delete(Collection<VpcMapping.Key> keys, long newVersion) {
    keys.forEach(entries::remove);
    version.set(newVersion);
  }

  public long version() {
    return version.get();
  }

  public int size() {
    return entries.size();
  }

  public boolean contains(VpcMapping.Key key) {
    return entries.containsKey(key);
  }

  /** A copy of every entry. */
  public Map<VpcMapping.Key, VpcMapping> snapshot() {
    return Map.copyOf(entries);
  }

  /**
   * Every entry, live: a change made while the caller iterates may or may not be seen. The reconciler diffs this
   * view rather than a copy of a table of a million entries; a change during its diff bumps the version, and the
   * next pass diffs again.
   */
  public Collection<VpcMapping> entries() {
    return Collections.unmodifiableCollection(entries.values());
  }

  boolean hasGateway(int vni) {
    return gateways.containsKey(vni);
  }

  int gatewayCount() {
    return gateways.size();
  }

  public List<VpcGateway> gateways() {
    List<VpcGateway> out = new ArrayList<>(gateways.values());
    out.sort(Comparator.comparingInt(VpcGateway::vni));
    return out;
  }

  /** Entries of one VNI (0 for all), ordered by VNI then address, after the given key. */
  public List<VpcMapping> page(int vni, VpcMapping.Key after, int limit) {
    Comparator<VpcMapping> order = Comparator.<VpcMapping>comparingLong(m -> Integer.toUnsignedLong(m.vni()))
        .thenComparing(VpcMapping::ip);
    return entries.values().stream()
        .filter(m -> vni == 0 || m.vni() == vni)
        .filter(m -> after == null || order.compare(m, new VpcMapping(after.vni(), after.ip(), m.mac(), m.underlay())) > 0)
        .sorted(order)
        .limit(limit)
        .toList();
  }
}
