package io.bmagent.domain;

import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import java.util.HashSet;
import java.util.Set;

/** Validation of the primary NIC's spec. */
final class NicSpecs {

  static final int MAX_ID = 64;
  static final int MAX_SECURITY_GROUPS = 5;
  static final int MAX_DNS_SERVERS = 4;

  private NicSpecs() {}

  static void validate(NetworkInterfaceSpec s, String f, Violations v) {
    v.id(f + ".nic_id", s.getNicId(), 64);
    v.unicastMac(f + ".mac", s.getMac());
    v.id(f + ".vpc_id", s.getVpcId(), 64);
    v.range(f + ".vni", s.getVni(), 1, 0xFF_FFFF);
    Ipv4Prefix subnet = v.cidr(f + ".subnet_cidr", s.getSubnetCidr());
    if (subnet != null && subnet.length() > 29) {
      v.add(f + ".subnet_cidr", "must be /29 or larger to hold the host, the gateway and the reserved addresses");
      subnet = null;
    }
    Ipv4Address gateway = v.ipv4(f + ".gateway_ip", s.getGatewayIp());
    Ipv4Address ip = v.ipv4(f + ".private_ipv4", s.getPrivateIpv4());
    if (subnet != null && gateway != null && !usable(subnet, gateway)) {
      v.add(f + ".gateway_ip", gateway + " is not a host address of " + subnet);
    }
    if (subnet != null && ip != null) {
      if (!usable(subnet, ip)) {
        v.add(f + ".private_ipv4", ip + " is not a host address of " + subnet);
      } else if (ip.equals(gateway)) {
        v.add(f + ".private_ipv4", "must differ from the gateway");
      }
    }
    if (s.getMtu() != 0) {
      v.range(f + ".mtu", s.getMtu(), 576, 9000);
    }
    if (s.getSecurityGroupIdsCount() > MAX_SECURITY_GROUPS) {
      v.add(f + ".security_group_ids", "at most " + MAX_SECURITY_GROUPS + " groups");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < s.getSecurityGroupIdsCount(); i++) {
      String id = s.getSecurityGroupIds(i);
      v.id(f + ".security_group_ids[" + i + "]", id, 64);
      if (!seen.add(id)) {
        v.add(f + ".security_group_ids[" + i + "]", "duplicate " + id);
      }
    }
    if (!s.getAclId().isEmpty()) {
      v.id(f + ".acl_id", s.getAclId(), 64);
    }
    if (s.getDnsServersCount() > MAX_DNS_SERVERS) {
      v.add(f + ".dns_servers", "at most " + MAX_DNS_SERVERS + " servers, got " + s.getDnsServersCount());
    }
    for (int i = 0; i < s.getDnsServersCount() && i < MAX_DNS_SERVERS; i++) {
      v.ipv4(f + ".dns_servers[" + i + "]", s.getDnsServers(i));
    }
  }

  private static boolean usable(Ipv4Prefix subnet, Ipv4Address a) {
    return subnet.contains(a) && !a.equals(subnet.network()) && !a.equals(subnet.broadcast());
  }

  /** The spec with defaults filled in, so that a retry with or without them compares equal. */
  static NetworkInterfaceSpec withDefaults(NetworkInterfaceSpec s) {
    return s.getMtu() == 0 ? s.toBuilder().setMtu(1450).build() : s;
  }

  /** Whether {@code next} changes only what may change after creation: groups, ACL, MTU and DNS. */
  static String immutableChange(NetworkInterfaceSpec current, NetworkInterfaceSpec next) {
    if (!current.getMac().equals(next.getMac())) {
      return "mac";
    }
    if (!current.getVpcId().equals(next.getVpcId()) || current.getVni() != next.getVni()) {
      return "vpc_id";
    }
    if (!current.getSubnetCidr().equals(next.getSubnetCidr()) || !current.getGatewayIp().equals(next.getGatewayIp())) {
      return "subnet_cidr";
    }
    if (!current.getPrivateIpv4().equals(next.getPrivateIpv4())) {
      return "private_ipv4";
    }
    return null;
  }
}
