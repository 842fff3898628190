package io.bmagent.card.soft.net;

import static io.bmagent.card.soft.net.PipelineFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.BatchResult;
import io.bmagent.card.CardException;
import io.bmagent.card.CardInfo;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.RuleAction;
import io.bmagent.card.VpcMapping;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SPI contract of the soft port: batches, capacity and validation. */
class SoftNetworkPortTest {

  final PipelineFixture f = new PipelineFixture(new CardInfo.Limits(8, 1, 2, 2, 3, 100, 4));

  static PolicyRule acl(int prio) {
    return rule(PolicyTable.ACL_EGRESS, prio, Protocol.ALL, "0.0.0.0/0", PortRange.ALL, RuleAction.ALLOW);
  }

  static PolicyRule sg(int port) {
    return rule(PolicyTable.SG_INGRESS, 0, Protocol.TCP, "0.0.0.0/0", PortRange.single(port), RuleAction.ALLOW);
  }

  static VpcMapping mapping(int last) {
    return new VpcMapping(100, new Ipv4Address(0x0a000100 + last), new MacAddress(0x020000000100L + last),
        Ipv4Address.parse("127.0.0.9"));
  }

  @Test
  void batchesStopAtTheFirstRefusalWithItsReason() {
    BatchResult r = f.port.applyRules(List.of(acl(1), acl(2), acl(3)));
    assertEquals(2, r.applied());
    assertEquals(CardException.Reason.NO_SPACE, r.failure().orElseThrow().reason());

    r = f.port.applyRules(List.of(sg(22), sg(22), sg(80), sg(443)));
    assertEquals(3, r.applied(), "re-applying a rule it has is a no-op");
    assertEquals(CardException.Reason.NO_SPACE, r.failure().orElseThrow().reason());
    assertEquals(4, f.port.rules().size());

    assertTrue(f.port.removeRules(List.of(acl(2), acl(9))).complete());
    r = f.port.applyRules(List.of(
        rule(PolicyTable.ACL_EGRESS, 1, Protocol.TCP, "0.0.0.0/0", PortRange.ALL, RuleAction.DENY)));
    assertEquals(CardException.Reason.ALREADY_EXISTS, r.failure().orElseThrow().reason(), "priority 1 is taken");
  }

  @Test
  void refusesMalformedRules() {
    var badNat = new PolicyRule(PolicyTable.NAT, 0, Protocol.ALL, Ipv4Prefix.parse("10.0.0.0/24"), PortRange.ALL,
        RuleAction.NAT, Ipv4Address.parse("203.0.113.1"));
    var denySg = rule(PolicyTable.SG_EGRESS, 0, Protocol.ALL, "0.0.0.0/0", PortRange.ALL, RuleAction.DENY);
    var icmpPorts = rule(PolicyTable.SG_EGRESS, 0, Protocol.ICMP, "0.0.0.0/0", PortRange.single(1),
        RuleAction.ALLOW);
    for (PolicyRule bad : List.of(badNat, denySg, icmpPorts)) {
      assertEquals(CardException.Reason.INVALID, f.port.applyRules(List.of(bad)).failure().orElseThrow().reason());
    }
  }

  @Test
  void mappingTableIsBounded() {
    BatchResult r = f.port.upsertMappings(List.of(mapping(1), mapping(2), mapping(1), mapping(3)));
    assertEquals(3, r.applied(), "the fixture's peer plus two new ones fill it; replacing costs no space");
    assertEquals(CardException.Reason.NO_SPACE, r.failure().orElseThrow().reason());
    assertTrue(f.port.removeMappings(List.of(mapping(1).key(), mapping(7).key())).complete());
    assertTrue(f.port.upsertMappings(List.of(mapping(3))).complete());
    assertEquals(3, f.port.mappings().size());
  }

  @Test
  void removeDropsThePortAndItsRules() {
    f.port.applyRules(List.of(acl(1))).orThrow();
    f.port.remove();
    assertFalse(f.port.port().isPresent());
    assertTrue(f.port.rules().isEmpty());
    f.host.inject(Frames.arpRequest(PipelineFixture.HOST_MAC, PipelineFixture.HOST_IP, PipelineFixture.GATEWAY_IP));
    assertEquals(1, f.drops(DropReason.PORT_DOWN));
  }

  @Test
  void largeUpdatesAreSwappedInWhole() {
    PipelineFixture big = new PipelineFixture();
    List<VpcMapping> many = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      many.add(new VpcMapping(100, new Ipv4Address(0x0b000000 + i), new MacAddress(0x020000000000L + i),
          Ipv4Address.parse("127.0.0.9")));
    }
    List<PolicyRule> rules = new ArrayList<>();
    for (int i = 0; i < 999; i++) {
      rules.add(rule(PolicyTable.ACL_INGRESS, i, Protocol.TCP, "0.0.0.0/0", PortRange.single(i + 1),
          RuleAction.ALLOW));
    }
    long v = big.port.tablesVersion();
    long t0 = System.nanoTime();
    assertTrue(big.port.upsertMappings(many).complete());
    assertTrue(big.port.applyRules(rules).complete());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(v + 2, big.port.tablesVersion(), "one swap per batch");
    assertEquals(100_001, big.port.mappings().size());
    System.out.printf("applied 100,000 mappings and 999 rules in %d ms%n", ms);
  }
}
