package io.bmagent.card.soft.net.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FragmentsTest {

  final AtomicLong now = new AtomicLong();
  final Fragments table = new Fragments(2, now::get);

  @Test
  void laterFragmentsFindTheirDatagramByDirectionAddressesProtocolAndId() {
    assertTrue(table.record(false, 7, 1, 10, 20, 99, null, 0, 50000));
    Fragments.Entry e = table.find(false, 7, 1, 10, 20, 99);
    assertNotNull(e);
    assertEquals(50000, e.sourcePort());
    assertNull(table.find(true, 7, 1, 10, 20, 99), "the other direction");
    assertNull(table.find(false, 8, 1, 10, 20, 99), "another VNI");
    assertNull(table.find(false, 7, 17, 10, 20, 99), "another protocol");
    assertNull(table.find(false, 7, 1, 10, 21, 99), "another destination");
    assertNull(table.find(false, 7, 1, 10, 20, 98), "another identification");
  }

  @Test
  void boundedAndExpiring() {
    assertTrue(table.record(false, 7, 1, 10, 20, 1, null, 0, 0));
    assertTrue(table.record(false, 7, 1, 10, 20, 2, null, 0, 0));
    assertTrue(table.record(false, 7, 1, 10, 20, 2, null, 0, 0), "a datagram already held is refreshed");
    now.addAndGet(1_000_000_000L);
    assertFalse(table.record(false, 7, 1, 10, 20, 3, null, 0, 0), "full, nothing expired");
    now.addAndGet(30_000_000_000L);
    assertNull(table.find(false, 7, 1, 10, 20, 1), "gone after 30 s");
    assertTrue(table.record(false, 7, 1, 10, 20, 3, null, 0, 0), "room again once expired entries are swept");
  }
}
