package io.bmagent.card;

import java.util.Map;

/** Counters of the host's port. Drops are counted by reason, for example "acl", "security_group", "spoofed". */
public record PortStats(
    long txPackets, long txBytes, long rxPackets, long rxBytes, Map<String, Long> drops, long conntrackEntries) {

  public static final PortStats ZERO = new PortStats(0, 0, 0, 0, Map.of(), 0);

  public PortStats {
    drops = Map.copyOf(drops);
  }
}
