package io.bmagent.card.soft.net.policy;

import io.bmagent.card.VpcMapping;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The overlay location table as an exact-match hash on (VNI, IP): overlay addresses are host routes, so no
 * longest-prefix match is needed. Immutable; {@link #with} and {@link #without} copy, which a batch does once.
 */
public final class MappingTable {

  public static final MappingTable EMPTY = new MappingTable(new HashMap<>());

  private final Map<Long, VpcMapping> entries;

  private MappingTable(Map<Long, VpcMapping> entries) {
    this.entries = entries;
  }

  /**
   * VNI and address, multiplied by an odd constant: a bijection, so keys stay unique, but {@code Long.hashCode}
   * (high ^ low word) of consecutive addresses in neighbouring VNIs no longer collides by the thousand, which had
   * turned a million-entry table's buckets into trees.
   */
  static long key(int vni, int ip) {
    return (((long) vni << 32) | (ip & 0xFFFF_FFFFL)) * 0x9E3779B97F4A7C15L;
  }

  public VpcMapping find(int vni, int ip) {
    return entries.get(key(vni, ip));
  }

  public int size() {
    return entries.size();
  }

  public Collection<VpcMapping> all() {
    return Collections.unmodifiableCollection(entries.values());
  }

  /** A copy with the mappings inserted or replaced. */
  public MappingTable with(List<VpcMapping> mappings) {
    Map<Long, VpcMapping> copy = new HashMap<>(entries);
    for (VpcMapping m : mappings) {
      copy.put(key(m.vni(), m.ip().value()), m);
    }
    return new MappingTable(copy);
  }

  /** A copy without the given keys. */
  public MappingTable without(List<VpcMapping.Key> keys) {
    Map<Long, VpcMapping> copy = new HashMap<>(entries);
    for (VpcMapping.Key k : keys) {
      copy.remove(key(k.vni(), k.ip().value()));
    }
    return new MappingTable(copy);
  }
}
