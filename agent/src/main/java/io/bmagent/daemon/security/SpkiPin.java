package io.bmagent.daemon.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The SHA-256 of a certificate's SubjectPublicKeyInfo. Pinning the key rather than the certificate lets the control
 * plane renew its certificate without a config change on every agent, as long as it keeps its key.
 */
public record SpkiPin(byte[] sha256) {

  public SpkiPin {
    if (sha256.length != 32) {
      throw new IllegalArgumentException("a SHA-256 pin has 32 bytes, not " + sha256.length);
    }
    sha256 = sha256.clone();
  }

  /**
   * Parses the pin as hex (64 digits, colons allowed, as {@code openssl dgst -sha256} prints it) or as base64 (as
   * {@code openssl dgst -sha256 -binary | base64} prints it), with an optional {@code sha256/} prefix.
   */
  public static SpkiPin parse(String text) {
    String t = text.strip();
    if (t.startsWith("sha256/")) {
      t = t.substring("sha256/".length());
    }
    String hex = t.replace(":", "");
    try {
      if (hex.length() == 64) {
        return new SpkiPin(HexFormat.of().parseHex(hex));
      }
      return new SpkiPin(Base64.getDecoder().decode(t));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a SHA-256 public key pin (hex or base64): " + text, e);
    }
  }

  public static SpkiPin of(X509Certificate cert) {
    try {
      return new SpkiPin(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public boolean matches(X509Certificate cert) {
    return MessageDigest.isEqual(sha256, of(cert).sha256);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpkiPin p && Arrays.equals(sha256, p.sha256);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sha256);
  }

  @Override
  public String toString() {
    return "sha256/" + Base64.getEncoder().encodeToString(sha256);
  }
}
