package io.bmagent.card.soft.net.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.bmagent.api.v1.Transport;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.net.MacAddress;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Specs;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tests of VPCs across several soft cards share: a VXLAN port the cards can all use, hosts in namespaces
 * that take their address from their card, and instances, NICs and security groups made through the agent's API.
 */
public final class VpcHosts {

  private VpcHosts() {}

  /**
   * A UDP port free on every given address, so the cards (and a gateway) can share it as the VXLAN port: a card
   * sends to its peers on the port it uses itself.
   */
  public static int commonFreePort(String... addresses) throws Exception {
    for (int attempt = 0; ; attempt++) {
      List<DatagramSocket> held = new ArrayList<>();
      try {
        DatagramSocket first = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(addresses[0]), 0));
        held.add(first);
        for (int i = 1; i < addresses.length; i++) {
          held.add(new DatagramSocket(new InetSocketAddress(InetAddress.getByName(addresses[i]),
              first.getLocalPort())));
        }
        return first.getLocalPort();
      } catch (SocketException e) {
        if (attempt == 20) {
          throw e;
        }
      } finally {
        held.forEach(DatagramSocket::close);
      }
    }
  }

  /** The host's side: the NIC's MAC on its interface, then DHCP from the card, as a cloud image's boot does. */
  public static void bringUp(Netns ns, String tap, MacAddress mac, String expectedIp) throws Exception {
    ns.must("ip", "link", "set", "lo", "up");
    ns.must("ip", "link", "set", tap, "address", mac.toString());
    ns.must("ip", "link", "set", tap, "up");
    String[] lease = ns.must("python3", "-c", HostScripts.DHCP_CLIENT, tap, mac.toString()).split(" ");
    assertEquals(expectedIp + "/24", lease[0], "the address the card's DHCP gave");
    ns.must("ip", "addr", "add", lease[0], "dev", tap);
    ns.must("ip", "link", "set", tap, "mtu", lease[2]);
    ns.must("ip", "route", "add", "default", "via", lease[1]);
  }

  /** An instance started with {@code nic} and a 1 MiB boot volume, a new namespace of {@code subsystem}. */
  static void provision(AgentFixture f, Subsystem subsystem, int targetPort, NetworkInterfaceSpec nic) {
    int nsid = subsystem.addMemoryNamespace(1 << 20, 4096).nsid();
    f.instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-" + nic.getNicId())
        .setSpec(Specs.instance().toBuilder().setPrimaryNic(nic).setBootDisk(BootDisk.newBuilder().setCloudVolume(
            Specs.volume("vol-" + nic.getNicId(), VolumeRole.VOLUME_ROLE_BOOT).toBuilder()
                .setTarget(NvmeofTarget.newBuilder().setTransport(Transport.TRANSPORT_TCP).setAddress("127.0.0.1")
                    .setServiceId(Integer.toString(targetPort)).setSubsystemNqn(subsystem.nqn())
                    .setNamespaceId(nsid))
                .setSizeBytes(1 << 20).setBlockSize(4096))))
        .setStartAfterProvisioning(true).build());
  }

  /** A NIC in 10.77.0.0/24 of VPC {@code vni}. */
  static NetworkInterfaceSpec nic(String id, MacAddress mac, String ip, int vni, String group) {
    return NetworkInterfaceSpec.newBuilder().setNicId(id).setMac(mac.toString()).setVpcId("vpc-" + vni).setVni(vni)
        .setSubnetCidr("10.77.0.0/24").setGatewayIp("10.77.0.1").setPrivateIpv4(ip).addDnsServers("10.77.0.2")
        .addSecurityGroupIds(group).build();
  }

  /** A group of the given ingress rules and all egress. */
  static SecurityGroup group(String id, SecurityGroupRule... ingress) {
    return SecurityGroup.newBuilder().setSecurityGroupId(id).addAllRules(List.of(ingress))
        .addRules(SecurityGroupRule.newBuilder().setDirection(Direction.DIRECTION_EGRESS)
            .setProtocol(Protocol.PROTOCOL_ALL).setRemoteCidr("0.0.0.0/0"))
        .build();
  }

  /** @param port a TCP port, or 0 for every port */
  static SecurityGroupRule ingress(Protocol protocol, String cidr, int port) {
    SecurityGroupRule.Builder r = SecurityGroupRule.newBuilder().setDirection(Direction.DIRECTION_INGRESS)
        .setProtocol(protocol).setRemoteCidr(cidr);
    return port == 0 ? r.build() : r.setPorts(PortRange.newBuilder().setFrom(port).setTo(port)).build();
  }
}
