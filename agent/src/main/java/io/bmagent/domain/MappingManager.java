package io.bmagent.domain;

import io.bmagent.card.VpcGateway;
import io.bmagent.card.VpcMapping;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The overlay location table: bulk upserts and deletes, and paged reads. */
public final class MappingManager {

  static final int MAX_PER_CALL = 200_000;
  /** Gateways per call and in the table: one per VNI the host reaches, and all of them fit on a list's first page. */
  static final int MAX_GATEWAYS = 4096;

  /** One page of the table. */
  public record Page(List<VpcMapping> mappings, List<VpcGateway> gateways, String nextToken, long version) {}

  /** The raw fields of one entry, as the transport received them. */
  public record Entry(long vni, String ip, String mac, String underlay) {}

  private final StateHolder state;
  private final int capacity;

  public MappingManager(StateHolder state, int capacity) {
    this.state = state;
    this.capacity = capacity;
  }

  /** Inserts or replaces entries and gateways; returns the table version after the change. */
  public long upsert(List<Entry> entries, List<Entry> gateways) {
    if (entries.size() > MAX_PER_CALL) {
      throw DomainException.invalid("mappings", "at most " + MAX_PER_CALL + " entries per call, got " + entries.size());
    }
    if (gateways.size() > MAX_GATEWAYS) {
      throw DomainException.invalid("gateways", "at most " + MAX_GATEWAYS + " per call, got " + gateways.size());
    }
    if (entries.isEmpty() && gateways.isEmpty()) {
      return state.mappings().version();
    }
    Violations v = new Violations();
    List<VpcMapping> ms = new ArrayList<>(entries.size());
    // A VPC has far fewer cards than addresses: one object per underlay address, not one per entry.
    Map<Ipv4Address, Ipv4Address> underlays = new HashMap<>();
    for (int i = 0; i < entries.size() && v.isEmpty(); i++) {
      VpcMapping m = parse(entries.get(i), "mappings[" + i + "]", true, v, underlays);
      if (m != null) {
        ms.add(m);
      }
    }
    List<VpcGateway> gs = new ArrayList<>();
    for (int i = 0; i < gateways.size(); i++) {
      VpcMapping g = parse(gateways.get(i), "gateways[" + i + "]", false, v, underlays);
      if (g != null) {
        gs.add(new VpcGateway(g.vni(), g.underlay(), g.mac()));
      }
    }
    v.throwIfAny();
    duplicates(ms.stream().map(VpcMapping::key).toList(), "mappings", v);
    duplicates(gs.stream().map(VpcGateway::vni).toList(), "gateways", v);
    v.throwIfAny();
    return state.apply((cur, change, tx) -> {
      MappingTable table = state.mappings();
      long newGateways = gs.stream().filter(g -> !table.hasGateway(g.vni())).count();
      if (table.gatewayCount() + newGateways > MAX_GATEWAYS) {
        throw DomainException.exhausted(Reason.CAPACITY, "the overlay table holds gateways of at most "
            + MAX_GATEWAYS + " VNIs; it has " + table.gatewayCount() + " and the request adds " + newGateways,
            DomainException.CAPACITY_RETRY, "resource_type", "vpc_gateway", "limit", String.valueOf(MAX_GATEWAYS));
      }
      long added = ms.stream().filter(m -> !table.contains(m.key())).count();
      if (table.size() + added > capacity) {
        throw DomainException.exhausted(Reason.CAPACITY, "the overlay table holds at most " + capacity
            + " entries; it has " + table.size() + " and the request adds " + added, DomainException.CAPACITY_RETRY,
            "resource_type", ResourceKind.VPC_MAPPINGS.key(), "limit", String.valueOf(capacity),
            "current", String.valueOf(table.size()));
      }
      long version = table.version() + 1;
      tx.upsertMappings(ms);
      for (VpcGateway g : gs) {
        tx.putGateway(g);
      }
      tx.setCounter(MappingTable.VERSION_COUNTER, version);
      change.published.add(new SpecChange(ResourceKind.VPC_MAPPINGS, "", SpecChange.Type.UPDATED));
      return new StateHolder.Outcome<>(cur, version, () -> table.upsert(ms, gs, version));
    });
  }

  /** Deletes entries; missing ones are ignored. Returns how many existed, and the new version. */
  public long[] delete(List<Entry> keys) {
    if (keys.size() > MAX_PER_CALL) {
      throw DomainException.invalid("keys", "at most " + MAX_PER_CALL + " keys per call, got " + keys.size());
    }
    Violations v = new Violations();
    List<VpcMapping.Key> ks = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size() && v.isEmpty(); i++) {
      Entry e = keys.get(i);
      v.range("keys[" + i + "].vni", e.vni(), 1, 0xFF_FFFF);
      Ipv4Address ip = v.ipv4("keys[" + i + "].ip", e.ip());
      if (ip != null) {
        ks.add(new VpcMapping.Key((int) e.vni(), ip));
      }
    }
    v.throwIfAny();
    duplicates(ks, "keys", v);
    v.throwIfAny();
    if (ks.isEmpty()) {
      return new long[] {0, state.mappings().version()};
    }
    return state.apply((cur, change, tx) -> {
      MappingTable table = state.mappings();
      List<VpcMapping.Key> present = ks.stream().filter(table::contains).toList();
      long version = table.version() + 1;
      tx.deleteMappings(present);
      tx.setCounter(MappingTable.VERSION_COUNTER, version);
      change.published.add(new SpecChange(ResourceKind.VPC_MAPPINGS, "", SpecChange.Type.UPDATED));
      return new StateHolder.Outcome<>(cur, new long[] {present.size(), version},
          () -> table.delete(present, version));
    });
  }

  public Page list(long vni, int pageSize, String token) {
    Violations v = new Violations();
    if (vni != 0) {
      v.range("vni", vni, 1, 0xFF_FFFF);
    }
    int size = pageSize == 0 ? 1000 : pageSize;
    v.range("page_size", size, 1, 10_000);
    VpcMapping.Key after = null;
    if (!token.isEmpty()) {
      after = decode(token);
      if (after == null) {
        v.add("page_token", "is not a token this agent issued");
      }
    }
    v.throwIfAny();
    MappingTable table = state.mappings();
    List<VpcMapping> page = table.page((int) vni, after, size + 1);
    String next = "";
    if (page.size() > size) {
      page = page.subList(0, size);
      VpcMapping last = page.get(size - 1);
      next = Base64.getUrlEncoder().encodeToString(
          (last.vni() + "/" + last.ip()).getBytes(StandardCharsets.US_ASCII));
    }
    return new Page(page, after == null ? table.gateways() : List.of(), next, table.version());
  }

  /**
   * One batch names each key once: with two entries for the same key, which one wins would depend on the order the
   * card applies them in, and the count of upserted entries would be wrong. Names the first few pairs.
   */
  private static <K> void duplicates(List<K> keys, String field, Violations v) {
    Map<K, Integer> first = new HashMap<>();
    int named = 0;
    for (int i = 0; i < keys.size() && named < 10; i++) {
      Integer earlier = first.putIfAbsent(keys.get(i), i);
      if (earlier != null) {
        v.add(field + "[" + i + "]", "same key as " + field + "[" + earlier + "]");
        named++;
      }
    }
  }

  private static VpcMapping.Key decode(String token) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
      int slash = s.indexOf('/');
      return new VpcMapping.Key(Integer.parseInt(s.substring(0, slash)), Ipv4Address.parse(s.substring(slash + 1)));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static VpcMapping parse(Entry e, String f, boolean needsIp, Violations v,
      Map<Ipv4Address, Ipv4Address> underlays) {
    int before = v.isEmpty() ? 0 : 1;
    v.range(f + ".vni", e.vni(), 1, 0xFF_FFFF);
    Ipv4Address ip = needsIp ? v.ipv4(f + ".ip", e.ip()) : Ipv4Address.ANY;
    MacAddress mac = v.unicastMac(f + ".mac", e.mac());
    Ipv4Address underlay = v.ipv4(f + ".underlay_ip", e.underlay());
    if (before == 0 && !v.isEmpty()) {
      return null;
    }
    return ip == null || mac == null || underlay == null ? null
        : new VpcMapping((int) e.vni(), ip, mac, underlays.computeIfAbsent(underlay, u -> u));
  }
}
