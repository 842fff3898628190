package io.bmagent.card.soft.net.metadata;

import io.bmagent.card.InstanceMetadata;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The EC2 instance metadata tree that cloud-init's Ec2 datasource crawls: {@code /<version>/meta-data/...},
 * {@code /<version>/user-data} and {@code /<version>/dynamic/instance-identity/document}, the same under
 * {@code latest} and under any dated version. A directory lists its entries one a line, sub-directories with a
 * trailing slash; {@code public-keys/} lists {@code 0=name} as EC2 does.
 */
public final class MetadataTree {

  private static final Pattern VERSION = Pattern.compile("latest|\\d{4}-\\d{2}-\\d{2}");

  private final Map<String, Object> root;

  public MetadataTree(InstanceMetadata m) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("ami-id", m.imageId());
    meta.put("hostname", m.hostname());
    meta.put("instance-id", m.instanceId());
    meta.put("instance-type", m.instanceType());
    meta.put("local-hostname", m.hostname());
    meta.put("local-ipv4", m.localIpv4().toString());
    String mac = m.mac().toString();
    meta.put("mac", mac);
    Map<String, Object> iface = new LinkedHashMap<>();
    iface.put("device-number", "0");
    iface.put("interface-id", "eni-0");
    iface.put("local-hostname", m.hostname());
    iface.put("local-ipv4s", m.localIpv4().toString());
    iface.put("mac", mac);
    if (m.publicIpv4() != null) {
      iface.put("public-ipv4s", m.publicIpv4().toString());
    }
    iface.put("subnet-ipv4-cidr-block", m.subnet().toString());
    iface.put("vpc-id", m.vpcId());
    meta.put("network", Map.of("interfaces", Map.of("macs", Map.of(mac, iface))));
    if (m.publicIpv4() != null) {
      meta.put("public-ipv4", m.publicIpv4().toString());
    }
    if (!m.sshPublicKeys().isEmpty()) {
      meta.put("public-keys", new Keys(m.sshPublicKeys()));
    }
    if (!m.vendorTags().isEmpty()) {
      meta.put("tags", Map.of("instance", new LinkedHashMap<String, Object>(new java.util.TreeMap<>(
          m.vendorTags()))));
    }
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("dynamic", Map.of("instance-identity", Map.of("document", identity(m))));
    version.put("meta-data", meta);
    if (m.userData().length > 0) {
      version.put("user-data", m.userData());
    }
    root = version;
  }

  /** The body at the path (query stripped), or null when there is nothing there. */
  public byte[] get(String path) {
    if (!path.startsWith("/")) {
      return null;
    }
    String[] parts = path.substring(1).split("/", -1);
    if (parts.length == 0 || !VERSION.matcher(parts[0]).matches()) {
      return null;
    }
    Object node = root;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i];
      if (p.isEmpty() && i == parts.length - 1) {
        break;
      }
      node = child(node, p);
      if (node == null) {
        return null;
      }
    }
    return render(node);
  }

  private static Object child(Object node, String name) {
    if (node instanceof Keys k) {
      return k.child(name);
    }
    return node instanceof Map<?, ?> dir ? dir.get(name) : null;
  }

  private static byte[] render(Object node) {
    if (node instanceof byte[] b) {
      return b;
    }
    if (node instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder();
    if (node instanceof Keys k) {
      for (int i = 0; i < k.keys.size(); i++) {
        out.append(i).append('=').append(Keys.name(k.keys.get(i), i)).append('\n');
      }
    } else {
      ((Map<?, ?>) node).forEach((name, v) -> out.append(name).append(v instanceof Map || v instanceof Keys
          ? "/" : "").append('\n'));
    }
    if (out.length() > 0) {
      out.setLength(out.length() - 1);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String identity(InstanceMetadata m) {
    return "{\n  \"instanceId\" : \"" + json(m.instanceId()) + "\",\n  \"instanceType\" : \""
        + json(m.instanceType()) + "\",\n  \"imageId\" : \"" + json(m.imageId()) + "\",\n  \"privateIp\" : \""
        + m.localIpv4() + "\",\n  \"version\" : \"2017-09-30\",\n  \"region\" : \"bm-local\",\n"
        + "  \"availabilityZone\" : \"bm-local-1a\",\n  \"architecture\" : \"x86_64\"\n}";
  }

  private static String json(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code public-keys/}: {@code <i>=<name>} entries, each a directory holding {@code openssh-key}. */
  private record Keys(List<String> keys) {

    Object child(String name) {
      int eq = name.indexOf('=');
      String index = eq < 0 ? name : name.substring(0, eq);
      try {
        int i = Integer.parseInt(index);
        return i >= 0 && i < keys.size() && String.valueOf(i).equals(index)
            ? Map.of("openssh-key", keys.get(i)) : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }

    /** The key's comment, or a name made from its index, as EC2 names a key pair. */
    static String name(String key, int i) {
      String[] parts = key.strip().split("[ \t]+", 3);
      return parts.length == 3 ? parts[2].replaceAll("[^\\x21-\\x7e]", "_") : "key-" + i;
    }
  }
}
