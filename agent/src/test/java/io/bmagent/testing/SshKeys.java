package io.bmagent.testing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** Fresh OpenSSH public key lines ("type base64 comment") made with the JDK's key generators. */
public final class SshKeys {

  private SshKeys() {}

  public static String ed25519(String comment) {
    byte[] x509 = generate("Ed25519", null).getEncoded();
    // The X.509 SubjectPublicKeyInfo of an Ed25519 key ends with the 32-byte key (RFC 8410, 4).
    return line("ssh-ed25519", blob("ssh-ed25519", Arrays.copyOfRange(x509, x509.length - 32, x509.length)),
        comment);
  }

  public static String rsa(int bits, String comment) {
    RSAPublicKey k = (RSAPublicKey) generate("RSA", bits);
    return line("ssh-rsa", blob("ssh-rsa", k.getPublicExponent().toByteArray(), k.getModulus().toByteArray()),
        comment);
  }

  public static String ecdsa256(String comment) {
    ECPublicKey k = (ECPublicKey) generate("EC", new ECGenParameterSpec("secp256r1"));
    ByteBuffer point = ByteBuffer.allocate(65).put((byte) 4).put(fixed(k.getW().getAffineX()))
        .put(fixed(k.getW().getAffineY()));
    return line("ecdsa-sha2-nistp256", blob("ecdsa-sha2-nistp256", "nistp256".getBytes(StandardCharsets.US_ASCII),
        point.array()), comment);
  }

  /** An SSH key blob (RFC 4253, 6.6): the type and the key's fields, each as an SSH string. */
  public static byte[] blob(String type, byte[]... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    put(out, type.getBytes(StandardCharsets.US_ASCII));
    for (byte[] f : fields) {
      put(out, f);
    }
    return out.toByteArray();
  }

  public static String line(String type, byte[] blob, String comment) {
    return type + " " + Base64.getEncoder().encodeToString(blob) + (comment.isEmpty() ? "" : " " + comment);
  }

  private static void put(ByteArrayOutputStream out, byte[] field) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(field.length).array());
    out.writeBytes(field);
  }

  private static byte[] fixed(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  private static java.security.PublicKey generate(String algorithm, Object param) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (param instanceof Integer bits) {
        g.initialize(bits);
      } else if (param instanceof ECGenParameterSpec spec) {
        g.initialize(spec);
      }
      return g.generateKeyPair().getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
