package io.bmagent.card;

import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.util.List;

/**
 * The host's network port: who the host is in its VPC. The card answers the host's DHCP and ARP from it and
 * checks the host's source addresses against it.
 */
public record PortConfig(
    String nicId,
    MacAddress mac,
    Ipv4Address privateIp,
    Ipv4Prefix subnet,
    Ipv4Address gateway,
    int vni,
    int mtu,
    List<Ipv4Address> dnsServers) {

  public PortConfig {
    dnsServers = List.copyOf(dnsServers);
  }
}
