package io.bmagent.card.soft.net.policy;

import io.bmagent.card.PortConfig;
import io.bmagent.card.VpcGateway;
import io.bmagent.card.VpcMapping;
import io.bmagent.net.Ipv4Address;
import java.util.Map;

/**
 * Everything the pipeline looks up, frozen at one version: the port, the compiled rules, the mappings and the
 * gateways. The pipeline reads one snapshot per packet, so a packet never sees half an update.
 *
 * @param config the port, or null while none is configured
 */
public record PolicySnapshot(
    long version, PortConfig config, RuleSet rules, MappingTable mappings, Map<Integer, VpcGateway> gateways) {

  public static final PolicySnapshot EMPTY = new PolicySnapshot(0, null, RuleSet.EMPTY, MappingTable.EMPTY, Map.of());

  public PolicySnapshot {
    gateways = Map.copyOf(gateways);
  }

  /**
   * The MAC the card answers for the gateway: the VPC gateway's, or, before one is known, a locally administered
   * address made from the gateway IP so the host can still resolve it.
   */
  public long gatewayMac() {
    VpcGateway gw = gateways.get(config.vni());
    return gw != null ? gw.mac().value() : 0x0200_0000_0000L | (config.gateway().value() & 0xFFFF_FFFFL);
  }

  /**
   * Classifies a flow of the port (local side the host's private address).
   *
   * @param protocol the IP protocol
   * @param localPort the host's TCP or UDP port, -1 for other protocols
   * @param remotePort the remote TCP or UDP port, -1 for other protocols
   * @param openedInbound whether the connection was opened towards the host, which selects the security-group table
   */
  public FlowVerdict classify(int protocol, int remote, int localPort, int remotePort, boolean openedInbound) {
    CompiledRule aclEgress = rules.acl(false, protocol, remote, remotePort);
    CompiledRule aclIngress = rules.acl(true, protocol, remote, localPort);
    CompiledRule sg = openedInbound
        ? rules.securityGroup(true, protocol, remote, localPort)
        : rules.securityGroup(false, protocol, remote, remotePort);
    return new FlowVerdict(version, aclEgress, aclIngress, sg, route(remote));
  }

  /**
   * A peer with a mapping is reached directly; other addresses of the subnet are unknown and unroutable; everything
   * else goes to the VPC gateway, leaving as the elastic IP when the host has one.
   */
  private Route route(int remote) {
    int vni = config.vni();
    VpcMapping m = mappings.find(vni, remote);
    if (m != null) {
      return new Route(m.mac().value(), m.underlay().value(), null);
    }
    if (config.subnet().contains(new Ipv4Address(remote))) {
      return null;
    }
    VpcGateway gw = gateways.get(vni);
    return gw == null ? null
        : new Route(gw.mac().value(), gw.underlay().value(), rules.sourceNat(config.privateIp().value()));
  }
}
