package io.bmagent.card.soft.net;

import io.bmagent.card.PortStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The port's counters, written by the data-path threads without locks. "tx" is what the host transmitted into the
 * card and "rx" what the card delivered to the host, as the host's own NIC counters would say.
 */
public final class PortCounters {

  private final LongAdder txPackets = new LongAdder();
  private final LongAdder txBytes = new LongAdder();
  private final LongAdder rxPackets = new LongAdder();
  private final LongAdder rxBytes = new LongAdder();
  private final LongAdder[] drops = new LongAdder[DropReason.values().length];

  public PortCounters() {
    for (int i = 0; i < drops.length; i++) {
      drops[i] = new LongAdder();
    }
  }

  void fromHost(int bytes) {
    txPackets.increment();
    txBytes.add(bytes);
  }

  void toHost(int bytes) {
    rxPackets.increment();
    rxBytes.add(bytes);
  }

  void drop(DropReason reason) {
    drops[reason.ordinal()].increment();
  }

  public long drops(DropReason reason) {
    return drops[reason.ordinal()].sum();
  }

  /** A snapshot; only reasons that occurred are listed. */
  public PortStats stats(long conntrackEntries) {
    return stats(conntrackEntries, 0);
  }

  /** A snapshot with the connection table's figures; only reasons that occurred are listed. */
  public PortStats stats(long conntrackEntries, long conntrackEvictions) {
    Map<String, Long> byReason = new LinkedHashMap<>();
    for (DropReason r : DropReason.values()) {
      long n = drops[r.ordinal()].sum();
      if (n > 0) {
        byReason.put(r.label(), n);
      }
    }
    return new PortStats(txPackets.sum(), txBytes.sum(), rxPackets.sum(), rxBytes.sum(), byReason,
        conntrackEntries, conntrackEvictions);
  }
}
