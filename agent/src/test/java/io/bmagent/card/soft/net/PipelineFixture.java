package io.bmagent.card.soft.net;

import io.bmagent.card.CardInfo;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.PortConfig;
import io.bmagent.card.RuleAction;
import io.bmagent.card.VpcGateway;
import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.net.conntrack.Timeouts;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** One soft port wired to in-memory ports, with a VPC of one peer, a gateway and a settable clock. */
class PipelineFixture {

  static final int VNI = 100;
  static final long HOST_MAC = 0x02000000000aL;
  static final int HOST_IP = ip("10.0.0.10");
  static final int GATEWAY_IP = ip("10.0.0.1");
  static final long PEER_MAC = 0x020000000014L;
  static final int PEER_IP = ip("10.0.0.20");
  static final int PEER_CARD = ip("127.0.0.3");
  static final long GATEWAY_MAC = 0x020000000001L;
  static final int GATEWAY_CARD = ip("127.0.0.100");
  static final int LOCAL_CARD = ip("127.0.0.2");
  static final int ELASTIC_IP = ip("203.0.113.10");
  static final int INTERNET_IP = ip("198.51.100.7");
  static final long UNDERLAY_MAC = 0x02ee00000002L;
  static final long ROUTER_MAC = 0x02ee000000feL;

  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final SoftNetworkPort port;
  final MemoryHostPort host = new MemoryHostPort();
  final MemoryUnderlay underlay = new MemoryUnderlay(LOCAL_CARD, UNDERLAY_MAC, ROUTER_MAC);

  PipelineFixture() {
    this(new CardInfo.Limits(8, 1, 1000, 1000, 200_000, 1000, 4));
  }

  PipelineFixture(CardInfo.Limits limits) {
    port = new SoftNetworkPort(limits, Timeouts.CLOUD, nanos::get);
    port.configure(new PortConfig("nic-1", new MacAddress(HOST_MAC), new Ipv4Address(HOST_IP),
        Ipv4Prefix.parse("10.0.0.0/24"), new Ipv4Address(GATEWAY_IP), VNI, 1450,
        List.of(Ipv4Address.parse("10.0.0.2"))));
    port.upsertMappings(List.of(new VpcMapping(VNI, new Ipv4Address(PEER_IP), new MacAddress(PEER_MAC),
        new Ipv4Address(PEER_CARD)))).orThrow();
    port.putGateway(new VpcGateway(VNI, new Ipv4Address(GATEWAY_CARD), new MacAddress(GATEWAY_MAC)));
    port.connect(host, underlay);
  }

  static int ip(String s) {
    return Ipv4Address.parse(s).value();
  }

  static PolicyRule rule(PolicyTable t, int prio, Protocol p, String cidr, PortRange ports, RuleAction a) {
    return new PolicyRule(t, prio, p, Ipv4Prefix.parse(cidr), ports, a, Ipv4Address.ANY);
  }

  static PolicyRule nat() {
    return new PolicyRule(PolicyTable.NAT, 0, Protocol.ALL, Ipv4Prefix.host(new Ipv4Address(HOST_IP)),
        PortRange.ALL, RuleAction.NAT, new Ipv4Address(ELASTIC_IP));
  }

  /** ACLs allowing everything both ways, so a test exercises only the security groups. */
  void openAcls() {
    port.applyRules(List.of(
        rule(PolicyTable.ACL_EGRESS, 1000, Protocol.ALL, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW),
        rule(PolicyTable.ACL_INGRESS, 1000, Protocol.ALL, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW)))
        .orThrow();
  }

  void apply(PolicyRule... rules) {
    port.applyRules(List.of(rules)).orThrow();
  }

  long drops(DropReason r) {
    return port.counters().drops(r);
  }

  void advanceSeconds(long s) {
    nanos.addAndGet(s * 1_000_000_000L);
  }
}
