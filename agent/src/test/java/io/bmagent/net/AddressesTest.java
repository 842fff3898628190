package io.bmagent.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressesTest {

  @Test
  void ipv4ParsesStrictly() {
    assertEquals("10.0.1.255", Ipv4Address.parse("10.0.1.255").toString());
    for (String bad : new String[] {"10.0.1", "10.0.1.256", "010.0.0.1", "1.2.3.4.5", "a.b.c.d", "1..2.3", ""}) {
      assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(bad), bad);
    }
    assertTrue(Ipv4Address.parse("239.1.1.1").isMulticast());
    assertTrue(Ipv4Address.parse("255.255.255.255").compareTo(Ipv4Address.parse("1.0.0.0")) > 0, "unsigned order");
  }

  @Test
  void prefixesRefuseHostBitsAndMatchByMask() {
    Ipv4Prefix p = Ipv4Prefix.parse("10.0.1.0/24");
    assertTrue(p.contains(Ipv4Address.parse("10.0.1.77")));
    assertFalse(p.contains(Ipv4Address.parse("10.0.2.1")));
    assertEquals("10.0.1.255", p.broadcast().toString());
    assertTrue(Ipv4Prefix.ANY.contains(Ipv4Address.parse("203.0.113.9")));
    assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.1.1/24"));
    assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.1.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.1.0"));
  }

  @Test
  void macAddressesRoundTrip() {
    MacAddress m = MacAddress.parse("02:AB:cd:00:00:01");
    assertEquals("02:ab:cd:00:00:01", m.toString());
    assertEquals(m, MacAddress.fromBytes(m.toBytes(), 0));
    assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
    assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:ab:cd:00:00"));
    assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:ab:cd:00:00:0g"));
  }
}
