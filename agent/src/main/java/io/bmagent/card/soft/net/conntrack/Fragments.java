package io.bmagent.card.soft.net.conntrack;

import io.bmagent.card.soft.net.policy.FlowVerdict;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The IPv4 datagrams in flight as fragments whose first fragment the policy allowed, by direction, VNI, protocol,
 * addresses and identification (RFC 791, 3.2: what makes fragments one datagram's). Only the first fragment carries
 * the ports the rules and the connection table need; the later ones pass on its decision, as they would after
 * Linux conntrack's defragmentation, without the card holding or reassembling them. Bounded, and an entry lives as
 * long as Linux waits for a datagram's fragments (ipfrag_time, 30 s), so a later datagram that reuses the
 * identification after that is decided anew.
 */
public final class Fragments {

  /** What the first fragment was allowed with: its verdict, the underlay peer it came from, its outer port. */
  public record Entry(FlowVerdict verdict, int underlaySource, int sourcePort, long expiresAt) {}

  private record Key(long high, long low) {}

  private static final long TIMEOUT = 30_000_000_000L;
  private static final long FULL_SWEEP_INTERVAL = 1_000_000_000L;

  private final ConcurrentHashMap<Key, Entry> table = new ConcurrentHashMap<>();
  private final int limit;
  private final LongSupplier nanoClock;
  private final AtomicLong lastFullSweep;

  /** @param limit the most datagrams tracked at once; a first fragment past it is refused */
  public Fragments(int limit, LongSupplier nanoClock) {
    this.limit = limit;
    this.nanoClock = nanoClock;
    this.lastFullSweep = new AtomicLong(nanoClock.getAsLong() - FULL_SWEEP_INTERVAL);
  }

  /**
   * Records the datagram of an allowed first fragment; false when the table is full even after dropping expired
   * entries (swept at most once a second, so a flood of first fragments cannot make each walk the table).
   */
  public boolean record(boolean inbound, int vni, int protocol, int src, int dst, int id, FlowVerdict verdict,
      int underlaySource, int sourcePort) {
    long now = nanoClock.getAsLong();
    Key k = key(inbound, vni, protocol, src, dst, id);
    if (table.size() >= limit && !table.containsKey(k)) {
      long last = lastFullSweep.get();
      if (now - last < FULL_SWEEP_INTERVAL || !lastFullSweep.compareAndSet(last, now)) {
        return false;
      }
      table.values().removeIf(e -> now - e.expiresAt() >= 0);
      if (table.size() >= limit) {
        return false;
      }
    }
    table.put(k, new Entry(verdict, underlaySource, sourcePort, now + TIMEOUT));
    return true;
  }

  /** The live entry of a later fragment's datagram, or null. */
  public Entry find(boolean inbound, int vni, int protocol, int src, int dst, int id) {
    Key k = key(inbound, vni, protocol, src, dst, id);
    Entry e = table.get(k);
    if (e != null && nanoClock.getAsLong() - e.expiresAt() >= 0) {
      table.remove(k, e);
      return null;
    }
    return e;
  }

  public int size() {
    return table.size();
  }

  public void clear() {
    table.clear();
  }

  private static Key key(boolean inbound, int vni, int protocol, int src, int dst, int id) {
    long high = (inbound ? 1L << 48 : 0) | ((long) (vni & 0xFF_FFFF) << 24) | ((protocol & 0xff) << 16)
        | (id & 0xffff);
    return new Key(high, ((long) src << 32) | (dst & 0xFFFF_FFFFL));
  }
}
