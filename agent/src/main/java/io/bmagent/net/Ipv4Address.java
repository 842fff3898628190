package io.bmagent.net;

/** An IPv4 address held as its 32-bit value, so that matching a prefix is a mask and a compare. */
public record Ipv4Address(int value) implements Comparable<Ipv4Address> {

  public static final Ipv4Address ANY = new Ipv4Address(0);

  /** Parses dotted-quad notation; rejects leading zeros so that "010.0.0.1" is not read as octal by anyone else. */
  public static Ipv4Address parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("IPv4 address is missing");
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
    }
    int value = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
          || !part.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
      }
      value = (value << 8) | octet;
    }
    return new Ipv4Address(value);
  }

  public static Ipv4Address fromBytes(byte[] b, int offset) {
    return new Ipv4Address(((b[offset] & 0xff) << 24) | ((b[offset + 1] & 0xff) << 16)
        | ((b[offset + 2] & 0xff) << 8) | (b[offset + 3] & 0xff));
  }

  public byte[] toBytes() {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }

  public boolean isMulticast() {
    return (value >>> 28) == 0xE;
  }

  public boolean isLoopback() {
    return (value >>> 24) == 127;
  }

  @Override
  public int compareTo(Ipv4Address o) {
    return Integer.compareUnsigned(value, o.value);
  }

  @Override
  public String toString() {
    return (value >>> 24) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "." + (value & 0xff);
  }
}
