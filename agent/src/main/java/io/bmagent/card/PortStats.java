package io.bmagent.card;

import java.util.Map;

/**
 * Counters of the host's port. Drops are counted by reason, for example "acl", "security_group", "spoofed";
 * {@code conntrackEvictions} counts connections a full table evicted to make room for new ones.
 */
public record PortStats(long txPackets, long txBytes, long rxPackets, long rxBytes, Map<String, Long> drops,
    long conntrackEntries, long conntrackEvictions) {

  public static final PortStats ZERO = new PortStats(0, 0, 0, 0, Map.of(), 0, 0);

  public PortStats {
    drops = Map.copyOf(drops);
  }

  /** Counters of a card that does not evict connections. */
  public PortStats(long txPackets, long txBytes, long rxPackets, long rxBytes, Map<String, Long> drops,
      long conntrackEntries) {
    this(txPackets, txBytes, rxPackets, rxBytes, drops, conntrackEntries, 0);
  }
}
