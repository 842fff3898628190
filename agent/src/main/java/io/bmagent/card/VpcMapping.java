package io.bmagent.card;

import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;

/** Where an overlay address lives: VNI and IP to the MAC behind it and the underlay address of its card. */
public record VpcMapping(int vni, Ipv4Address ip, MacAddress mac, Ipv4Address underlay) {

  public Key key() {
    return new Key(vni, ip);
  }

  /** The identity of a mapping in the table. */
  public record Key(int vni, Ipv4Address ip) {}
}
