package io.bmagent.domain;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Checks an OpenSSH public key line ("type base64 [comment]", sshd(8) AUTHORIZED_KEYS FILE FORMAT): the blob must
 * decode and name the same type as the line (RFC 4253, 6.6), and hold a key of an accepted algorithm and size.
 */
final class SshPublicKeys {

  static final int MAX_KEY_LENGTH = 16 * 1024;
  static final int MIN_RSA_BITS = 2048;

  /** ECDSA key types and their curve identifiers (RFC 5656, 3.1 and 6.1). */
  private static final Map<String, String> ECDSA_CURVES = Map.of(
      "ecdsa-sha2-nistp256", "nistp256", "ecdsa-sha2-nistp384", "nistp384", "ecdsa-sha2-nistp521", "nistp521");

  private SshPublicKeys() {}

  /** Why the key is refused, or null when it is acceptable. */
  static String problem(String line) {
    if (line.length() > MAX_KEY_LENGTH) {
      return "at most " + MAX_KEY_LENGTH + " characters, got " + line.length();
    }
    String[] parts = line.strip().split("[ \t]+", 3);
    if (parts.length < 2) {
      return "must be an OpenSSH public key: type, base64 key and an optional comment";
    }
    String type = parts[0];
    if (!type.equals("ssh-ed25519") && !type.equals("ssh-rsa") && !ECDSA_CURVES.containsKey(type)) {
      return "key type must be ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa, got '" + printable(type) + "'";
    }
    if (parts.length == 3 && parts[2].chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "the comment must not contain control characters";
    }
    ByteBuffer blob;
    try {
      blob = ByteBuffer.wrap(Base64.getDecoder().decode(parts[1]));
      String embedded = new String(string(blob), StandardCharsets.US_ASCII);
      if (!embedded.equals(type)) {
        return "the key's blob says " + printable(embedded) + ", the line says " + type;
      }
      String bad = switch (type) {
        case "ssh-ed25519" -> string(blob).length == 32 ? null : "an ssh-ed25519 key is 32 bytes";
        case "ssh-rsa" -> rsa(blob);
        default -> ecdsa(blob, ECDSA_CURVES.get(type));
      };
      if (bad == null && blob.hasRemaining()) {
        return "the key's blob has trailing bytes";
      }
      return bad;
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      return "the key is not valid base64 of an SSH public key blob";
    }
  }

  private static String rsa(ByteBuffer blob) {
    BigInteger e = new BigInteger(string(blob));
    BigInteger n = new BigInteger(string(blob));
    if (e.signum() <= 0 || n.signum() <= 0) {
      return "the RSA key's exponent and modulus must be positive";
    }
    return n.bitLength() < MIN_RSA_BITS
        ? "an ssh-rsa key must have at least " + MIN_RSA_BITS + " bits, got " + n.bitLength() : null;
  }

  private static String ecdsa(ByteBuffer blob, String curve) {
    String named = new String(string(blob), StandardCharsets.US_ASCII);
    if (!named.equals(curve)) {
      return "the ECDSA key's curve is " + printable(named) + ", its type says " + curve;
    }
    byte[] point = string(blob);
    // An uncompressed point (SEC 1, 2.3.3): 0x04 and two coordinates of the field's size.
    int field = switch (curve) {
      case "nistp256" -> 32;
      case "nistp384" -> 48;
      default -> 66;
    };
    return point.length == 1 + 2 * field && point[0] == 4 ? null : "the ECDSA key's point is malformed";
  }

  /** An SSH "string" (RFC 4251, 5): a uint32 length and that many bytes. */
  private static byte[] string(ByteBuffer b) {
    int len = b.getInt();
    if (len < 0 || len > b.remaining()) {
      throw new IllegalArgumentException("bad length");
    }
    byte[] out = new byte[len];
    b.get(out);
    return out;
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
