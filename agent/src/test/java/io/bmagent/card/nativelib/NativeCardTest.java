package io.bmagent.card.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.BatchResult;
import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.BlockDeviceState;
import io.bmagent.card.CardEvent;
import io.bmagent.card.CardException;
import io.bmagent.card.CardException.Reason;
import io.bmagent.card.ConsoleOutput;
import io.bmagent.card.DeviceType;
import io.bmagent.card.Digests;
import io.bmagent.card.NvmeofPath;
import io.bmagent.card.PathState;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.PowerState;
import io.bmagent.card.QosLimits;
import io.bmagent.card.RuleAction;
import io.bmagent.card.Transport;
import io.bmagent.card.VpcMapping;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import io.bmagent.testing.AgentFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The card SPI over the simulator: configs round-trip, failures leave nothing behind, errnos map to reasons. */
@Tag("hil")
class NativeCardTest {

  private NativeCard card;
  private SimulatorControl sim;

  @BeforeEach
  void open() {
    SimCards.library();
    card = NativeCard.open("power_transition_ms=5;max_rules=100");
    sim = SimulatorControl.of(card.handle());
  }

  @AfterEach
  void close() {
    card.close();
  }

  static BlockDeviceConfig volume(String id, String secret) {
    return new BlockDeviceConfig(id, DeviceType.NVME, new NvmeofPath(Transport.TCP, "192.0.2.10", 4420,
        "nqn.2026-11.io.bmagent:" + id, 1, "nqn.2026-11.io.bmagent:host", secret, Digests.NONE),
        1L << 30, 4096, 4, new QosLimits(1000, 0), true);
  }

  static PolicyRule sg(int port) {
    return new PolicyRule(PolicyTable.SG_INGRESS, 0, Protocol.TCP, Ipv4Prefix.parse("203.0.113.0/24"),
        PortRange.single(port), RuleAction.ALLOW, Ipv4Address.ANY);
  }

  @Test
  void infoNamesTheDriverAndTheLibrary() {
    assertEquals("native", card.info().driverName());
    assertEquals(BmdpuLibrary.BMDPU_ABI_VERSION, card.info().abiVersion());
    assertEquals("bmdpu-sim", card.info().model());
    assertEquals(100, card.info().limits().maxPolicyRules());
    assertTrue(card.info().deviceTypes().contains(DeviceType.NVME));
  }

  @Test
  void attachedConfigRoundTripsWithItsSecret() {
    BlockDeviceConfig config = volume("vol-a", "DHHC-1:00:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0:");
    card.storage().attach(config);
    BlockDeviceState state = card.storage().list().get(0);
    assertEquals(config, state.config());
    assertEquals(PathState.CONNECTED, state.pathState());
    assertFalse(state.frozen());

    card.storage().freeze(List.of("vol-a"), Duration.ofSeconds(10));
    assertTrue(card.storage().list().get(0).frozen());
    card.storage().thaw(List.of("vol-a"));
    assertFalse(card.storage().list().get(0).frozen());

    card.storage().detach("vol-a");
    assertEquals(List.of(), card.storage().list());
  }

  @Test
  void cardEventsReachTheListenerAsSpiEvents() throws Exception {
    BlockingQueue<CardEvent> events = new LinkedBlockingQueue<>();
    card.setListener(events::add);
    card.storage().attach(volume("vol-a", ""));
    sim.setPath("vol-a", false);
    CardEvent down = events.poll(5, TimeUnit.SECONDS);
    assertEquals(new CardEvent(CardEvent.Kind.PATH_DOWN, "vol-a", down.message()), down);
    assertEquals(PathState.RECONNECTING, card.storage().list().get(0).pathState());
    sim.setPath("vol-a", true);
    assertEquals(CardEvent.Kind.PATH_UP, events.poll(5, TimeUnit.SECONDS).kind());
  }

  @Test
  void failedAttachDisconnectsAgain() throws Exception {
    sim.injectFault("blockdev_attach", 1, BmdpuError.IO, 0);
    CardException e = assertThrows(CardException.class, () -> card.storage().attach(volume("vol-a", "")));
    assertEquals(Reason.IO, e.reason());
    assertEquals(List.of(), card.storage().list());
    // The connection is gone too: attaching again connects afresh instead of failing with EEXIST.
    card.storage().attach(volume("vol-a", ""));
    assertEquals(1, card.storage().list().size());
  }

  @Test
  void attachWhileTheHostIsOnIsBusy() {
    card.host().powerOn();
    AgentFixture.awaitTrue(() -> card.host().state() == PowerState.ON, "host on");
    CardException e = assertThrows(CardException.class, () -> card.storage().attach(volume("vol-a", "")));
    assertEquals(Reason.BUSY, e.reason());
    card.host().powerOff(true, Duration.ZERO);
    assertEquals(PowerState.OFF, card.host().state());
  }

  @Test
  void theConsoleHasTheHostsBootMessagesAndItsLastBytes() {
    ConsoleOutput off = card.host().console(1024);
    assertEquals(0, off.output().length);
    assertEquals(0, off.totalBytes());
    assertTrue(off.lastWrite().isEmpty());

    Instant before = Instant.now().minusSeconds(1);
    card.host().powerOn();
    AgentFixture.awaitTrue(() -> card.host().state() == PowerState.ON, "host on");
    ConsoleOutput boot = card.host().console(1 << 20);
    String text = new String(boot.output(), StandardCharsets.UTF_8);
    assertTrue(text.contains("] Linux version "), text);
    assertEquals(boot.output().length, boot.totalBytes());
    assertTrue(boot.lastWrite().orElseThrow().isAfter(before), boot.lastWrite()::toString);

    byte[] printed = new byte[40_000];
    Arrays.fill(printed, (byte) 'x');
    printed[printed.length - 1] = 'y';
    sim.consoleWrite(printed);
    ConsoleOutput tail = card.host().console(5);
    assertEquals("xxxxy", new String(tail.output(), StandardCharsets.US_ASCII));
    assertEquals(boot.totalBytes() + printed.length, tail.totalBytes());
    assertEquals(16384, card.host().console(1 << 20).output().length, "the simulator's ring");
    card.host().powerOff(true, Duration.ZERO);
  }

  @Test
  void rulesRoundTripIncludingNatPairs() {
    PolicyRule nat = new PolicyRule(PolicyTable.NAT, 0, Protocol.ALL, Ipv4Prefix.parse("10.0.1.10/32"),
        PortRange.ALL, RuleAction.NAT, Ipv4Address.parse("198.51.100.7"));
    PolicyRule acl = new PolicyRule(PolicyTable.ACL_EGRESS, 10, Protocol.ALL, Ipv4Prefix.ANY, PortRange.ALL,
        RuleAction.DENY, Ipv4Address.ANY);
    assertTrue(card.network().applyRules(List.of(sg(22), nat, acl)).complete());
    assertEquals(Set.of(sg(22), nat, acl), card.network().rules());

    assertTrue(card.network().removeRules(List.of(nat, sg(443))).complete());
    assertEquals(Set.of(sg(22), acl), card.network().rules());
  }

  @Test
  void aFullTableStopsTheBatchWhereTheCardStopped() {
    List<PolicyRule> rules = IntStream.range(1, 121).mapToObj(NativeCardTest::sg).toList();
    BatchResult r = card.network().applyRules(rules);
    assertEquals(100, r.applied());
    assertEquals(Reason.NO_SPACE, r.failure().orElseThrow().reason());
    assertEquals(100, card.network().rules().size());
    // The refused rules got no ids, so removing all of them counts the refused ones as removed.
    assertTrue(card.network().removeRules(rules).complete());
    assertEquals(Set.of(), card.network().rules());
  }

  @Test
  void mappingsAreReadBackThroughTheCursor() {
    List<VpcMapping> mappings = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      mappings.add(new VpcMapping(1001, new Ipv4Address(0x0a000000 + i), new MacAddress(0x020000000000L + i),
          Ipv4Address.parse("192.0.2.1")));
    }
    assertTrue(card.network().upsertMappings(mappings).complete());
    assertEquals(Set.copyOf(mappings), Set.copyOf(card.network().mappings()));

    List<VpcMapping.Key> keys = List.of(mappings.get(0).key(), new VpcMapping.Key(7, Ipv4Address.ANY),
        mappings.get(1).key());
    assertTrue(card.network().removeMappings(keys).complete());
    assertEquals(4998, card.network().mappings().size());
  }

  @Test
  void errnosMapToReasons() {
    assertEquals(Reason.BUSY, NativeErrors.reason(BmdpuError.BUSY));
    assertEquals(Reason.NO_SPACE, NativeErrors.reason(BmdpuError.NO_SPACE));
    assertEquals(Reason.NOT_FOUND, NativeErrors.reason(BmdpuError.NOT_FOUND));
    assertEquals(Reason.ALREADY_EXISTS, NativeErrors.reason(BmdpuError.EXISTS));
    assertEquals(Reason.INVALID, NativeErrors.reason(BmdpuError.INVALID));
    assertEquals(Reason.INVALID, NativeErrors.reason(BmdpuError.NOT_SUPPORTED));
    assertEquals(Reason.TIMEOUT, NativeErrors.reason(BmdpuError.TIMED_OUT));
    assertEquals(Reason.IO, NativeErrors.reason(BmdpuError.TRY_AGAIN));
    assertEquals(Reason.IO, NativeErrors.reason(BmdpuError.OTHER));
    CardException e = assertThrows(CardException.class, () -> card.storage().detach("vol-none"));
    assertEquals(Reason.NOT_FOUND, e.reason());
  }
}
