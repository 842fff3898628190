package io.bmagent.card.nativelib;

import static io.bmagent.card.nativelib.BmdpuErrors.check;
import static io.bmagent.card.nativelib.BmdpuErrors.checkBatch;
import static io.bmagent.card.nativelib.SimCards.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Host port, policy tables and VPC mappings, against the simulator through JNA. */
@Tag("hil")
class BmdpuPolicyTest {

  @Test
  void appliesAndRemovesAThousandRules() {
    try (BmdpuCard card = SimCards.open(null);
        StructArray<Rule> rules = rules(0, 1000)) {
      BmdpuLibrary lib = card.library();
      Pointer h = card.handle();
      IntByReference done = new IntByReference();

      checkBatch(lib.bmdpu_rules_apply(h, rules.pointer(), 1000, done), "rules_apply", done.getValue(), 1000);
      assertEquals(1000, done.getValue());
      assertEquals(1000, version(card));
      try (StructArray<Rule> listed = StructArray.of(Rule.class, 1000)) {
        IntByReference count = new IntByReference(1000);
        check(lib.bmdpu_rules_list(h, BmdpuLibrary.BMDPU_TABLE_SG_INGRESS, listed.pointer(), count), "rules_list");
        List<Rule> read = listed.read(count.getValue());
        assertEquals(1000, read.size());
        for (int i = 1; i < read.size(); i++) {
          assertTrue(read.get(i - 1).priority <= read.get(i).priority, "evaluation order");
        }
      }

      checkBatch(lib.bmdpu_rules_remove(h, rules.pointer(), 1000, done), "rules_remove", done.getValue(), 1000);
      assertEquals(1000, done.getValue());
      assertEquals(2000, version(card));
    }
  }

  @Test
  void capacityFailureMidBatchReportsHowFarItGot() {
    try (BmdpuCard card = SimCards.open("max_rules=1500");
        StructArray<Rule> first = rules(0, 1000);
        StructArray<Rule> second = rules(1000, 1000)) {
      BmdpuLibrary lib = card.library();
      IntByReference done = new IntByReference();
      checkBatch(lib.bmdpu_rules_apply(card.handle(), first.pointer(), 1000, done), "rules_apply", done.getValue(), 1000);

      BmdpuBatchException e = assertThrows(BmdpuBatchException.class, () -> checkBatch(
          lib.bmdpu_rules_apply(card.handle(), second.pointer(), 1000, done), "rules_apply", done.getValue(), 1000));
      assertEquals(BmdpuError.NO_SPACE, e.error());
      assertEquals(500, e.completed());
      assertEquals("no space: rules_apply stopped after 500 of 1000 (ENOSPC)", e.getMessage());

      BmdpuBatchException dup = assertThrows(BmdpuBatchException.class, () -> checkBatch(
          lib.bmdpu_rules_apply(card.handle(), first.pointer(), 1, done), "rules_apply", done.getValue(), 1));
      assertEquals(BmdpuError.EXISTS, dup.error());
      assertEquals(0, dup.completed());
    }
  }

  @Test
  void upsertsListsAndDeletesMappingsInBatches() {
    int n = 5000;
    try (BmdpuCard card = SimCards.open(null);
        StructArray<VpcMapping> maps = StructArray.of(VpcMapping.class, n)) {
      BmdpuLibrary lib = card.library();
      Pointer h = card.handle();
      for (int i = 0; i < n; i++) {
        VpcMapping m = maps.get(i);
        m.vni = 100 + i % 3;
        m.overlay_ipv4 = ip(10, 1, 0, 0) + i;
        m.underlay_ipv4 = ip(172, 16, 0, 1 + i % 200);
        m.mac = new byte[] {2, 0, 0, 0, (byte) (i >> 8), (byte) i};
      }
      maps.write();
      IntByReference done = new IntByReference();
      checkBatch(lib.bmdpu_vpc_mappings_upsert(h, maps.pointer(), n, done), "vpc_mappings_upsert", done.getValue(), n);
      IntByReference count = new IntByReference();
      check(lib.bmdpu_vpc_mappings_count(h, count), "vpc_mappings_count");
      assertEquals(n, count.getValue());

      Set<Long> seen = new HashSet<>();
      try (StructArray<VpcMapping> page = StructArray.of(VpcMapping.class, 700)) {
        LongByReference cursor = new LongByReference(0);
        while (cursor.getValue() != BmdpuLibrary.BMDPU_CURSOR_END) {
          IntByReference got = new IntByReference(700);
          check(lib.bmdpu_vpc_mappings_list(h, cursor, page.pointer(), got), "vpc_mappings_list");
          page.read(got.getValue()).forEach(m -> seen.add((long) m.vni << 32 | Integer.toUnsignedLong(m.overlay_ipv4)));
        }
      }
      assertEquals(n, seen.size());

      checkBatch(lib.bmdpu_vpc_mappings_delete(h, maps.pointer(), n, done), "vpc_mappings_delete", done.getValue(), n);
      check(lib.bmdpu_vpc_mappings_count(h, count), "vpc_mappings_count");
      assertEquals(0, count.getValue());
    }
  }

  @Test
  void configuresTheOnlyPortAndCountsItsTraffic() {
    try (BmdpuCard card = SimCards.open(null)) {
      BmdpuLibrary lib = card.library();
      PortConfig config = new PortConfig();
      config.mac = new byte[] {2, 0, 0, 0, 0, 5};
      config.ipv4 = ip(10, 0, 0, 5);
      config.prefix_len = 24;
      config.vni = 4242;
      config.gateway_ipv4 = ip(10, 0, 0, 1);
      config.mtu = 8950;
      assertEquals(BmdpuError.NOT_FOUND, assertThrows(BmdpuException.class,
          () -> check(lib.bmdpu_port_configure(card.handle(), 1, config), "port_configure")).error());
      check(lib.bmdpu_port_configure(card.handle(), 0, config), "port_configure");

      PortConfig read = new PortConfig();
      check(lib.bmdpu_port_get(card.handle(), 0, read), "port_get");
      assertArrayEquals(config.mac, read.mac);
      assertEquals(4242, read.vni);

      SimulatorControl.of(card).portTraffic(10, 20, 1500);
      PortCounters counters = new PortCounters();
      check(lib.bmdpu_port_get_counters(card.handle(), 0, counters), "port_get_counters");
      assertEquals(10, counters.rx_packets);
      assertEquals(30000, counters.tx_bytes);

      VpcGateway gw = new VpcGateway();
      gw.vni = 4242;
      gw.gateway_ipv4 = ip(10, 0, 0, 1);
      gw.underlay_ipv4 = ip(172, 16, 0, 254);
      check(lib.bmdpu_vpc_gateway_set(card.handle(), gw), "vpc_gateway_set");
      VpcGateway got = new VpcGateway();
      check(lib.bmdpu_vpc_gateway_get(card.handle(), 4242, got), "vpc_gateway_get");
      assertEquals(gw.underlay_ipv4, got.underlay_ipv4);
    }
  }

  /** Security-group rules with ids from {@code firstId}, allowing HTTPS from distinct /24s. */
  private static StructArray<Rule> rules(int firstId, int n) {
    StructArray<Rule> rules = StructArray.of(Rule.class, n);
    for (int i = 0; i < n; i++) {
      int id = firstId + i;
      Rule r = rules.get(i);
      r.table = BmdpuLibrary.BMDPU_TABLE_SG_INGRESS;
      r.rule_id = id;
      r.priority = 100 + id % 10;
      r.protocol = 6;
      r.remote_ipv4 = ip(10, id >> 8 & 255, id & 255, 0);
      r.remote_prefix_len = 24;
      r.port_min = 443;
      r.port_max = 443;
      r.action = BmdpuLibrary.BMDPU_ACTION_ALLOW;
    }
    return rules.write();
  }

  private static long version(BmdpuCard card) {
    LongByReference version = new LongByReference();
    check(card.library().bmdpu_rules_get_version(card.handle(), BmdpuLibrary.BMDPU_TABLE_SG_INGRESS, version),
        "rules_get_version");
    return version.getValue();
  }
}
