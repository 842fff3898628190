package io.bmagent.card.soft.net;

/** Why the pipeline dropped a frame; the label is the key of {@code PortStats.drops()}. */
public enum DropReason {
  /** No port is configured. */
  PORT_DOWN("port_down"),
  /** Truncated or malformed headers, or a bad IPv4 header checksum. */
  MALFORMED("malformed"),
  /** The host sent from a MAC or IP address that is not its port's. */
  SPOOFED("spoofed"),
  /** IPv6: the policy tables are IPv4 only, so IPv6 is dropped rather than passed unfiltered. */
  IPV6("ipv6"),
  /** An EtherType the card does not carry. */
  UNSUPPORTED("unsupported"),
  /** An ARP the card does not answer, or ARP from the overlay, which never carries broadcasts. */
  ARP("arp"),
  /** A DHCP message the responder does not answer. */
  DHCP("dhcp"),
  /** A broadcast or multicast IPv4 packet: the overlay carries unicast only, as in the clouds' VPCs. */
  BROADCAST("broadcast"),
  /** A non-first IPv4 fragment of no datagram whose first fragment was allowed (or that came before it). */
  FRAGMENT("fragment"),
  /** A first fragment when the table of fragmented datagrams in flight is full. */
  FRAGMENT_TABLE_FULL("fragment_table_full"),
  /** Too large for the underlay once encapsulated (RFC 7348, 4.3: never fragmented); with DF the host is told. */
  TOO_BIG("too_big"),
  /** An inner frame from the overlay with an 802.1Q tag, which a VXLAN segment must not carry (RFC 7348, 6.1). */
  VLAN("vlan"),
  /** An inner frame from the overlay to another unicast MAC than the host's. */
  NOT_FOR_HOST_MAC("not_for_host_mac"),
  /** Denied by an ACL rule or by the ACL's default deny. */
  ACL("acl"),
  /** No security-group rule allows the connection, or a table change no longer allows it. */
  SECURITY_GROUP("security_group"),
  /**
   * A TCP segment other than a SYN for a connection the card does not track, or with flags no TCP sends together
   * (SYN with FIN or RST, no ACK nor SYN nor RST), which Linux conntrack calls invalid.
   */
  CONNTRACK_INVALID("conntrack_invalid"),
  /** The connection table is full. */
  CONNTRACK_FULL("conntrack_full"),
  /** No mapping in the subnet and no gateway for the destination. */
  NO_ROUTE("no_route"),
  /** A packet from the overlay whose inner source does not live behind the underlay address it came from. */
  OVERLAY_SPOOFED("overlay_spoofed"),
  /** A VXLAN packet for another VNI than the port's. */
  VNI_MISMATCH("vni_mismatch"),
  /** A packet from the overlay for an address that is neither the host's private IP nor its elastic IP. */
  NOT_FOR_HOST("not_for_host"),
  /**
   * A packet to or from the metadata address the service does not take: from the overlay (only the host's port
   * reaches it), or from the host but not an unfragmented TCP segment to port 80.
   */
  METADATA("metadata");

  private final String label;

  DropReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
