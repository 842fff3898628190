package io.bmagent.net;

/** An IPv4 network in CIDR notation. The address must have no host bits set, as in "10.0.1.0/24". */
public record Ipv4Prefix(Ipv4Address network, int length) {

  public static final Ipv4Prefix ANY = new Ipv4Prefix(Ipv4Address.ANY, 0);

  public Ipv4Prefix {
    if (length < 0 || length > 32) {
      throw new IllegalArgumentException("prefix length must be 0..32: " + length);
    }
    if ((network.value() & ~mask(length)) != 0) {
      throw new IllegalArgumentException("host bits set in " + network + "/" + length);
    }
  }

  public static Ipv4Prefix parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("CIDR is missing");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a CIDR: '" + text + "'");
    }
    String len = text.substring(slash + 1);
    if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("not a CIDR: '" + text + "'");
    }
    return new Ipv4Prefix(Ipv4Address.parse(text.substring(0, slash)), Integer.parseInt(len));
  }

  public static Ipv4Prefix host(Ipv4Address address) {
    return new Ipv4Prefix(address, 32);
  }

  static int mask(int length) {
    return length == 0 ? 0 : -1 << (32 - length);
  }

  public int mask() {
    return mask(length);
  }

  public boolean contains(Ipv4Address address) {
    return (address.value() & mask()) == network.value();
  }

  public Ipv4Address broadcast() {
    return new Ipv4Address(network.value() | ~mask());
  }

  @Override
  public String toString() {
    return network + "/" + length;
  }
}
