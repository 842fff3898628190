package io.bmagent.card.nativelib;

import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import io.bmagent.card.BatchResult;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The overlay location table over {@code bmdpu_vpc_mappings_*}, read with the card's cursor. */
final class NativeMappings {

  /** Entries fetched per cursor step; large tables run to hundreds of thousands of entries. */
  private static final int PAGE = 4096;

  private final BmdpuCard card;

  NativeMappings(BmdpuCard card) {
    this.card = card;
  }

  Collection<io.bmagent.card.VpcMapping> list() {
    return NativeErrors.call(() -> {
      List<io.bmagent.card.VpcMapping> all = new ArrayList<>();
      LongByReference cursor = new LongByReference(0);
      try (StructArray<VpcMapping> page = StructArray.of(VpcMapping.class, PAGE)) {
        while (cursor.getValue() != BmdpuLibrary.BMDPU_CURSOR_END) {
          IntByReference count = new IntByReference(PAGE);
          BmdpuErrors.check(card.library().bmdpu_vpc_mappings_list(card.handle(), cursor,
              page.pointer(), count), "vpc_mappings_list");
          page.read(count.getValue()).forEach(m -> all.add(new io.bmagent.card.VpcMapping(m.vni,
              new Ipv4Address(m.overlay_ipv4), MacAddress.fromBytes(m.mac, 0),
              new Ipv4Address(m.underlay_ipv4))));
        }
      }
      return all;
    });
  }

  BatchResult upsert(List<io.bmagent.card.VpcMapping> mappings) {
    return NativeBatch.apply(VpcMapping.class, "vpc_mappings_upsert", mappings, NativeMappings::encode,
        (array, n, done) -> card.library().bmdpu_vpc_mappings_upsert(card.handle(), array, n, done));
  }

  BatchResult remove(List<io.bmagent.card.VpcMapping.Key> keys) {
    return NativeBatch.remove(VpcMapping.class, "vpc_mappings_delete", keys, (key, raw) -> {
      raw.vni = key.vni();
      raw.overlay_ipv4 = key.ip().value();
    }, (array, n, done) -> card.library().bmdpu_vpc_mappings_delete(card.handle(), array, n, done));
  }

  private static void encode(io.bmagent.card.VpcMapping m, VpcMapping raw) {
    raw.vni = m.vni();
    raw.overlay_ipv4 = m.ip().value();
    raw.underlay_ipv4 = m.underlay().value();
    raw.mac = m.mac().toBytes();
  }
}
