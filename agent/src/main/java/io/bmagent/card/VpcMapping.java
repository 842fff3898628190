package io.bmagent.card;

import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;

/** Where an overlay address lives: VNI and IP to the MAC behind it and the underlay address of its card. */
public record VpcMapping(int vni, Ipv4Address ip, MacAddress mac, Ipv4Address underlay) {

  public Key key() {
    return new Key(vni, ip);
  }

  /** The identity of a mapping in the table. */
  public record Key(int vni, Ipv4Address ip) {

    /**
     * Mixed (the 64-bit finalizer of MurmurHash3) rather than the record's {@code 31 * vni + ip}: a VPC's addresses
     * are consecutive, so neighbouring VNIs' keys collided by the thousand and a table of a million entries turned
     * its buckets into trees, twice the memory and slower lookups.
     */
    @Override
    public int hashCode() {
      long h = ((long) vni << 32) | (ip.value() & 0xFFFF_FFFFL);
      h ^= h >>> 33;
      h *= 0xff51afd7ed558ccdL;
      h ^= h >>> 33;
      h *= 0xc4ceb9fe1a85ec53L;
      h ^= h >>> 33;
      return (int) h;
    }
  }
}
