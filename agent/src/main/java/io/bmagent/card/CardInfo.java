package io.bmagent.card;

import java.util.List;
import java.util.Set;

/** Identity, capabilities and limits of a card. */
public record CardInfo(
    String model,
    String serial,
    String driverName,
    String driverVersion,
    int abiVersion,
    Set<DeviceType> deviceTypes,
    Set<Transport> transports,
    boolean nestedVirtualization,
    List<String> features,
    Limits limits) {

  /** What the card can hold at most. */
  public record Limits(
      int maxVolumes,
      int maxNetworkPorts,
      int maxPolicyRules,
      int maxAclEntries,
      int maxVpcMappings,
      int maxConnections,
      int maxQueuesPerVolume) {}

  public CardInfo {
    deviceTypes = Set.copyOf(deviceTypes);
    transports = Set.copyOf(transports);
    features = List.copyOf(features);
  }
}
