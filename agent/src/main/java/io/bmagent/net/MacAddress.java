package io.bmagent.net;

/** An Ethernet MAC address held in the low 48 bits of a long. */
public record MacAddress(long value) {

  public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);

  public MacAddress {
    if ((value & ~0xFFFF_FFFF_FFFFL) != 0) {
      throw new IllegalArgumentException("MAC address wider than 48 bits");
    }
  }

  /** Parses "aa:bb:cc:dd:ee:ff" (colons or dashes, either case). */
  public static MacAddress parse(String text) {
    if (text == null || text.length() != 17) {
      throw new IllegalArgumentException("not a MAC address: '" + text + "'");
    }
    long value = 0;
    for (int i = 0; i < 6; i++) {
      int at = i * 3;
      if (i > 0 && text.charAt(at - 1) != ':' && text.charAt(at - 1) != '-') {
        throw new IllegalArgumentException("not a MAC address: '" + text + "'");
      }
      int hi = Character.digit(text.charAt(at), 16);
      int lo = Character.digit(text.charAt(at + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("not a MAC address: '" + text + "'");
      }
      value = (value << 8) | (hi << 4) | lo;
    }
    return new MacAddress(value);
  }

  public static MacAddress fromBytes(byte[] b, int offset) {
    long value = 0;
    for (int i = 0; i < 6; i++) {
      value = (value << 8) | (b[offset + i] & 0xff);
    }
    return new MacAddress(value);
  }

  public byte[] toBytes() {
    byte[] b = new byte[6];
    for (int i = 0; i < 6; i++) {
      b[i] = (byte) (value >>> (40 - 8 * i));
    }
    return b;
  }

  /** The I/G bit: a group address can't be a NIC's own. */
  public boolean isMulticast() {
    return (value & 0x0100_0000_0000L) != 0;
  }

  public boolean isZero() {
    return value == 0;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 0; i < 6; i++) {
      if (i > 0) {
        sb.append(':');
      }
      int octet = (int) (value >>> (40 - 8 * i)) & 0xff;
      sb.append(Character.forDigit(octet >> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
    }
    return sb.toString();
  }
}
