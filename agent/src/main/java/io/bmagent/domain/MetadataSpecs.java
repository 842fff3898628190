package io.bmagent.domain;

import io.bmagent.api.v1.HttpTokens;
import io.bmagent.api.v1.InstanceSpec;
import io.bmagent.api.v1.MetadataOptions;
import java.util.Map;
import java.util.regex.Pattern;

/** The rules of what the card's metadata service serves: host name, SSH keys, password hash, user-data and tags. */
final class MetadataSpecs {

  static final int MAX_HOSTNAME = 253;
  static final int MAX_KEYS = 16;
  static final int MAX_USER_DATA = 16 * 1024;
  /** An RFC 1123 (2.1) label: letters, digits and hyphens, neither first nor last a hyphen, 1..63 characters. */
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final String B64 = "[./0-9A-Za-z]";
  /** crypt(3) SHA-512, SHA-256 (optionally with rounds) and yescrypt hashes: never DES, MD5 or clear text. */
  private static final Pattern PASSWORD_HASH = Pattern.compile(
      "\\$6\\$(rounds=[0-9]{1,9}\\$)?" + B64 + "{1,16}\\$" + B64 + "{86}"
          + "|\\$5\\$(rounds=[0-9]{1,9}\\$)?" + B64 + "{1,16}\\$" + B64 + "{43}"
          + "|\\$y\\$" + B64 + "{1,32}\\$" + B64 + "{1,86}\\$" + B64 + "{43}");

  private MetadataSpecs() {}

  static void validate(InstanceSpec spec, Violations v) {
    String host = spec.getHostname();
    if (!host.isEmpty() && !hostname(host)) {
      v.add("spec.hostname", "must be an RFC 1123 host name of at most " + MAX_HOSTNAME
          + " characters: dot-separated labels of 1..63 letters, digits and hyphens");
    }
    if (spec.getSshPublicKeysCount() > MAX_KEYS) {
      v.add("spec.ssh_public_keys", "at most " + MAX_KEYS + " keys, got " + spec.getSshPublicKeysCount());
    } else {
      for (int i = 0; i < spec.getSshPublicKeysCount(); i++) {
        String problem = SshPublicKeys.problem(spec.getSshPublicKeys(i));
        if (problem != null) {
          v.add("spec.ssh_public_keys[" + i + "]", problem);
        }
      }
    }
    // The value is never quoted: even a malformed hash may be a password typed into the wrong field.
    if (!spec.getPasswordHash().isEmpty() && !PASSWORD_HASH.matcher(spec.getPasswordHash()).matches()) {
      v.add("spec.password_hash", "must be a crypt(3) hash of the form $6$salt$hash, $5$salt$hash or "
          + "$y$params$salt$hash");
    }
    if (spec.getUserData().size() > MAX_USER_DATA) {
      v.add("spec.user_data", "at most " + MAX_USER_DATA + " bytes, got " + spec.getUserData().size());
    }
    tags(spec.getVendorTagsMap(), "spec.vendor_tags", v);
    if (spec.getMetadataOptions().getHttpTokens() == HttpTokens.UNRECOGNIZED) {
      v.add("spec.metadata_options.http_tokens", "must be OPTIONAL or REQUIRED");
    }
  }

  /** Labels and vendor tags share their bounds. */
  static void tags(Map<String, String> tags, String field, Violations v) {
    if (tags.size() > InstanceManager.MAX_LABELS) {
      v.add(field, "at most " + InstanceManager.MAX_LABELS + " entries, got " + tags.size());
      return;
    }
    tags.forEach((k, value) -> {
      if (k.isEmpty() || k.length() > InstanceManager.MAX_LABEL_KEY) {
        v.add(field, "keys are 1.." + InstanceManager.MAX_LABEL_KEY + " characters, got one of " + k.length());
      } else {
        v.text(field + "[" + k + "]", value, InstanceManager.MAX_LABEL_VALUE);
      }
    });
  }

  static boolean hostname(String name) {
    if (name.length() > MAX_HOSTNAME || name.startsWith(".")) {
      return false;
    }
    String body = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    for (String label : body.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Unspecified options become the documented defaults, so a retry with or without them is the same request. */
  static void normalize(InstanceSpec.Builder b) {
    if (b.getMetadataOptions().getHttpTokens() == HttpTokens.HTTP_TOKENS_UNSPECIFIED) {
      b.setMetadataOptions(MetadataOptions.newBuilder().setHttpTokens(HttpTokens.HTTP_TOKENS_OPTIONAL));
    }
  }

  /** Whether what the metadata service serves differs between the two specs. */
  static boolean changed(InstanceSpec a, InstanceSpec b) {
    return !a.getHostname().equals(b.getHostname())
        || !a.getSshPublicKeysList().equals(b.getSshPublicKeysList())
        || !a.getPasswordHash().equals(b.getPasswordHash())
        || !a.getUserData().equals(b.getUserData())
        || !a.getVendorTagsMap().equals(b.getVendorTagsMap())
        || !a.getMetadataOptions().equals(b.getMetadataOptions());
  }
}
