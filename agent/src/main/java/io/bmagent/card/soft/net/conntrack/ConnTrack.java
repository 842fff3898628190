package io.bmagent.card.soft.net.conntrack;

import io.bmagent.card.soft.net.policy.FlowVerdict;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The connection table: a concurrent hash keyed by {@link FlowKey}, bounded by a limit, with lazy expiry on lookup
 * and a {@link #sweep} for entries nobody looks up any more. A full table makes room for a new connection by
 * evicting one that has not proved itself (Linux's early_drop), so that a flood of SYNs or one-way datagrams
 * cannot lock out new legitimate flows while established ones keep their entries.
 */
public final class ConnTrack {

  private static final long FULL_SWEEP_INTERVAL = 1_000_000_000L;
  /** How many entries a full table looks at for one to evict, as Linux scans a bounded number of buckets. */
  private static final int EARLY_DROP_SCAN = 128;

  private final ConcurrentHashMap<FlowKey, Connection> table = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int limit;
  private final Timeouts timeouts;
  private final LongSupplier nanoClock;
  /** When a full table last swept; a flood of new flows against a full table sweeps at most once a second. */
  private final AtomicLong lastFullSweep;
  private final LongAdder evictions = new LongAdder();

  /**
   * @param limit the most connections held; a new one past it is refused
   * @param nanoClock monotonic nanoseconds, {@link System#nanoTime} in production and a test's counter in tests
   */
  public ConnTrack(int limit, Timeouts timeouts, LongSupplier nanoClock) {
    if (limit < 1) {
      throw new IllegalArgumentException("conntrack limit must be positive: " + limit);
    }
    this.limit = limit;
    this.timeouts = timeouts;
    this.nanoClock = nanoClock;
    this.lastFullSweep = new AtomicLong(nanoClock.getAsLong() - FULL_SWEEP_INTERVAL);
  }

  /** The live connection of the flow, or null; an expired entry found here is removed. */
  public Connection lookup(FlowKey key) {
    Connection c = table.get(key);
    if (c != null && c.expired(nanoClock.getAsLong())) {
      remove(c);
      return null;
    }
    return c;
  }

  /**
   * Opens a connection for a flow with no live entry, or returns null when the table is full even after dropping
   * expired entries and found no entry to evict. A full table sweeps at most once a second, so a flood of new flows
   * cannot make every packet walk the table.
   */
  public Connection open(FlowKey key, boolean inbound, FlowVerdict verdict) {
    long now = nanoClock.getAsLong();
    if (!reserve(now)) {
      return null;
    }
    Connection fresh =
        new Connection(key, inbound, verdict, now, now + timeouts.nanosFor(key.protocol(), TcpState.SYN_SENT));
    Connection raced = table.putIfAbsent(key, fresh);
    if (raced != null) {
      size.decrementAndGet();
      return raced;
    }
    return fresh;
  }

  /**
   * Takes a place in the table before the entry goes in, so that threads opening at once (the port's queues, each
   * with a flow of a flood) never take it past its limit; a full table first makes room. False when it could not:
   * nothing to evict, or the room it made twice went to others.
   */
  private boolean reserve(long now) {
    for (int attempt = 0; ; attempt++) {
      for (int n = size.get(); n < limit; n = size.get()) {
        if (size.compareAndSet(n, n + 1)) {
          return true;
        }
      }
      if (attempt == 2) {
        return false;
      }
      long last = lastFullSweep.get();
      boolean swept = now - last >= FULL_SWEEP_INTERVAL && lastFullSweep.compareAndSet(last, now) && sweep() > 0;
      if (!swept && !evictOne()) {
        return false;
      }
    }
  }

  /**
   * Evicts the oldest evictable entry among the first few the table holds; false if there was none. The oldest,
   * so that a new connection still in its handshake is the last a flood of others pushes out.
   */
  private boolean evictOne() {
    Connection victim = null;
    int scanned = 0;
    for (Connection c : table.values()) {
      if (c.evictable() && (victim == null || c.openedAt - victim.openedAt < 0)) {
        victim = c;
      }
      if (++scanned == EARLY_DROP_SCAN) {
        break;
      }
    }
    if (victim == null || !table.remove(victim.key(), victim)) {
      return false;
    }
    size.decrementAndGet();
    evictions.increment();
    return true;
  }

  /** Connections evicted from a full table to make room for new ones. */
  public long evictions() {
    return evictions.sum();
  }

  /** Accounts a packet of a connection: TCP state and expiry. */
  public void track(Connection c, boolean inbound, int tcpFlags) {
    c.track(inbound, tcpFlags, nanoClock.getAsLong(), timeouts);
  }

  public void remove(Connection c) {
    if (table.remove(c.key(), c)) {
      size.decrementAndGet();
    }
  }

  /** Removes expired entries; returns how many. */
  public int sweep() {
    long now = nanoClock.getAsLong();
    int removed = 0;
    for (Connection c : table.values()) {
      if (c.expired(now) && table.remove(c.key(), c)) {
        size.decrementAndGet();
        removed++;
      }
    }
    return removed;
  }

  public void clear() {
    for (Connection c : table.values()) {
      remove(c);
    }
  }

  public int size() {
    return size.get();
  }
}
