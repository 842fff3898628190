package io.bmagent.card.nativelib;

import io.bmagent.card.InstanceMetadata;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metadata document as {@code bmdpu_metadata_set} takes it: little-endian length-prefixed key and value
 * records with the keys bmdpu.h names, and back, so that a restarted agent reads back what it set.
 */
final class MetadataBlob {

  private MetadataBlob() {}

  static byte[] encode(InstanceMetadata m) {
    Map<String, byte[]> r = new LinkedHashMap<>();
    put(r, "instance-id", m.instanceId());
    put(r, "instance-type", m.instanceType());
    put(r, "ami-id", m.imageId());
    put(r, "hostname", m.hostname());
    put(r, "mac", m.mac().toString());
    put(r, "local-ipv4", m.localIpv4().toString());
    put(r, "subnet-ipv4-cidr-block", m.subnet().toString());
    put(r, "vpc-id", m.vpcId());
    if (m.publicIpv4() != null) {
      put(r, "public-ipv4", m.publicIpv4().toString());
    }
    for (int i = 0; i < m.sshPublicKeys().size(); i++) {
      put(r, "public-keys/" + i, m.sshPublicKeys().get(i));
    }
    if (m.userData().length > 0) {
      r.put("user-data", m.userData());
    }
    new TreeMap<>(m.vendorTags()).forEach((k, v) -> put(r, "tags/" + k, v));
    put(r, "http-tokens", m.tokensRequired() ? "required" : "optional");
    put(r, "version", Long.toUnsignedString(m.version()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    r.forEach((k, v) -> {
      field(out, k.getBytes(StandardCharsets.UTF_8));
      field(out, v);
    });
    return out.toByteArray();
  }

  static InstanceMetadata decode(byte[] blob) {
    Map<String, byte[]> r = new LinkedHashMap<>();
    ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      String key = new String(field(b), StandardCharsets.UTF_8);
      r.put(key, field(b));
    }
    List<String> keys = new ArrayList<>();
    for (int i = 0; r.containsKey("public-keys/" + i); i++) {
      keys.add(text(r, "public-keys/" + i));
    }
    Map<String, String> tags = new TreeMap<>();
    r.forEach((k, v) -> {
      if (k.startsWith("tags/")) {
        tags.put(k.substring(5), new String(v, StandardCharsets.UTF_8));
      }
    });
    return new InstanceMetadata(text(r, "instance-id"), text(r, "instance-type"), text(r, "ami-id"),
        text(r, "hostname"), MacAddress.parse(text(r, "mac")), Ipv4Address.parse(text(r, "local-ipv4")),
        Ipv4Prefix.parse(text(r, "subnet-ipv4-cidr-block")), text(r, "vpc-id"),
        r.containsKey("public-ipv4") ? Ipv4Address.parse(text(r, "public-ipv4")) : null, keys,
        r.getOrDefault("user-data", new byte[0]), tags, text(r, "http-tokens").equals("required"),
        Long.parseUnsignedLong(text(r, "version")));
  }

  private static void put(Map<String, byte[]> r, String key, String value) {
    r.put(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(Map<String, byte[]> r, String key) {
    byte[] v = r.get(key);
    return v == null ? "" : new String(v, StandardCharsets.UTF_8);
  }

  private static void field(ByteArrayOutputStream out, byte[] v) {
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v.length).array());
    out.writeBytes(v);
  }

  private static byte[] field(ByteBuffer b) {
    byte[] v = new byte[b.getInt()];
    b.get(v);
    return v;
  }
}
