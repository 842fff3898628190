package io.bmagent.card;

import java.util.Map;

/**
 * Counters of the host's port. Drops are counted by reason, for example "acl", "security_group", "spoofed";
 * {@code conntrackEvictions} counts connections a full table evicted to make room for new ones;
 * {@code metadataResponses} counts the metadata service's responses by HTTP status ("200", "401", "429", ...).
 */
public record PortStats(long txPackets, long txBytes, long rxPackets, long rxBytes, Map<String, Long> drops,
    long conntrackEntries, long conntrackEvictions, Map<String, Long> metadataResponses) {

  public static final PortStats ZERO = new PortStats(0, 0, 0, 0, Map.of(), 0, 0);

  public PortStats {
    drops = Map.copyOf(drops);
    metadataResponses = Map.copyOf(metadataResponses);
  }

  /** Counters of a card whose metadata service is not counted here. */
  public PortStats(long txPackets, long txBytes, long rxPackets, long rxBytes, Map<String, Long> drops,
      long conntrackEntries, long conntrackEvictions) {
    this(txPackets, txBytes, rxPackets, rxBytes, drops, conntrackEntries, conntrackEvictions, Map.of());
  }

  /** The same counters with the metadata service's responses. */
  public PortStats withMetadataResponses(Map<String, Long> responses) {
    return new PortStats(txPackets, txBytes, rxPackets, rxBytes, drops, conntrackEntries, conntrackEvictions,
        responses);
  }

  /** Counters of a card that does not evict connections. */
  public PortStats(long txPackets, long txBytes, long rxPackets, long rxBytes, Map<String, Long> drops,
      long conntrackEntries) {
    this(txPackets, txBytes, rxPackets, rxBytes, drops, conntrackEntries, 0);
  }
}
