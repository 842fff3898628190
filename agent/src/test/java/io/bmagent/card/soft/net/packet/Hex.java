package io.bmagent.card.soft.net.packet;

import java.util.HexFormat;

/** Hex strings of canned packets, as produced by an independent implementation. */
public final class Hex {

  private Hex() {}

  public static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  public static String of(byte[] b, int at, int len) {
    return HexFormat.of().formatHex(b, at, at + len);
  }
}
