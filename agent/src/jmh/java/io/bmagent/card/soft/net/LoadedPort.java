package io.bmagent.card.soft.net;

import io.bmagent.card.CardInfo;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.PortConfig;
import io.bmagent.card.RuleAction;
import io.bmagent.card.VpcGateway;
import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.net.packet.Ethernet;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Tcp;
import io.bmagent.card.soft.net.packet.Vxlan;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * A port loaded as the benchmarks' goals state: 1,000 security-group rules and 100,000 overlay mappings. The rule
 * that allows the benchmarks' TCP flows comes last in its table, so a new flow walks every rule before it.
 */
final class LoadedPort {

  static final int VNI = 100;
  static final int MAPPINGS = 100_000;
  static final int SG_RULES = 1_000;
  static final long HOST_MAC = 0x02000000000aL;
  static final int HOST_IP = Ipv4Address.parse("10.0.0.10").value();
  /** The mapped peers are 10.1.0.0 and up, in the port's /8. */
  static final int FIRST_PEER = Ipv4Address.parse("10.1.0.0").value();
  static final int FIRST_CARD = Ipv4Address.parse("127.0.1.0").value();
  static final CardInfo.Limits LIMITS = new CardInfo.Limits(16, 1, 4000, 400, 1_000_000, 16_000_000, 8);

  private LoadedPort() {}

  static SoftNetworkPort create() {
    SoftNetworkPort port = new SoftNetworkPort(LIMITS);
    port.configure(new PortConfig("nic-bench", new MacAddress(HOST_MAC), new Ipv4Address(HOST_IP),
        Ipv4Prefix.parse("10.0.0.0/8"), Ipv4Address.parse("10.0.0.1"), VNI, 1450,
        List.of(Ipv4Address.parse("10.0.0.2"))));
    port.putGateway(new VpcGateway(VNI, Ipv4Address.parse("127.0.0.100"), new MacAddress(0x020000000001L)));
    port.upsertMappings(mappings(0)).orThrow();
    port.applyRules(rules()).orThrow();
    return port;
  }

  /** The 100,000 mappings; {@code generation} changes every entry's MAC, so a second batch replaces them all. */
  static List<VpcMapping> mappings(int generation) {
    List<VpcMapping> out = new ArrayList<>(MAPPINGS);
    for (int i = 0; i < MAPPINGS; i++) {
      out.add(new VpcMapping(VNI, new Ipv4Address(peer(i)), new MacAddress(peerMac(i) + ((long) generation << 32)),
          new Ipv4Address(card(i))));
    }
    return out;
  }

  static int peer(int i) {
    return FIRST_PEER + i;
  }

  static long peerMac(int i) {
    return 0x020100000000L + i;
  }

  /** Peers spread over 250 cards. */
  static int card(int i) {
    return FIRST_CARD + i % 250;
  }

  /** ACLs open both ways; 998 egress rules no TCP flow matches, then TCP egress and ingress from the VPC. */
  static List<PolicyRule> rules() {
    List<PolicyRule> out = new ArrayList<>();
    out.add(rule(PolicyTable.ACL_EGRESS, 100, Protocol.ALL, "0.0.0.0/0", PortRange.ALL));
    out.add(rule(PolicyTable.ACL_INGRESS, 100, Protocol.ALL, "0.0.0.0/0", PortRange.ALL));
    for (int i = 0; i < SG_RULES - 2; i++) {
      out.add(rule(PolicyTable.SG_EGRESS, 0, Protocol.UDP, "192.168." + (i >> 8) + "." + (i & 0xff) + "/32",
          PortRange.single(1 + i)));
    }
    out.add(rule(PolicyTable.SG_EGRESS, 0, Protocol.TCP, "10.0.0.0/8", PortRange.ALL));
    out.add(rule(PolicyTable.SG_INGRESS, 0, Protocol.TCP, "10.0.0.0/8", PortRange.single(22)));
    return out;
  }

  private static PolicyRule rule(PolicyTable t, int priority, Protocol p, String cidr, PortRange ports) {
    return new PolicyRule(t, priority, p, Ipv4Prefix.parse(cidr), ports, RuleAction.ALLOW, Ipv4Address.ANY);
  }

  /** A 54-byte TCP frame (no payload) from the host to peer {@code i}, placed at {@link SoftPipeline#HEADROOM}. */
  static byte[] fromHost(int i, int localPort, int flags) {
    byte[] b = new byte[SoftPipeline.HEADROOM + 54];
    int f = SoftPipeline.HEADROOM;
    Ethernet.write(b, f, 0x020000000001L, HOST_MAC, Ethernet.TYPE_IPV4);
    Ipv4.write(b, f + 14, Ipv4.PROTO_TCP, HOST_IP, peer(i), 20, 64);
    Tcp.write(b, f + 34, localPort, 22, 1000, 2000, flags, 65535);
    Tcp.updateChecksum(b, f + 14, f + 34, 20);
    return b;
  }

  /** The VXLAN packet of peer {@code i}'s reply to {@link #fromHost}, as its card sends it. */
  static byte[] fromPeer(int i, int localPort, int flags) {
    byte[] b = new byte[Vxlan.HEADER + 54];
    Vxlan.write(b, 0, VNI);
    Ethernet.write(b, 8, HOST_MAC, peerMac(i), Ethernet.TYPE_IPV4);
    Ipv4.write(b, 22, Ipv4.PROTO_TCP, peer(i), HOST_IP, 20, 64);
    Tcp.write(b, 42, 22, localPort, 2000, 1001, flags, 65535);
    Tcp.updateChecksum(b, 22, 42, 20);
    return b;
  }
}
