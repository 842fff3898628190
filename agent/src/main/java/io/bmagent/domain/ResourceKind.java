package io.bmagent.domain;

/** The kinds of stored resources; the names are also the resource types of events. */
public enum ResourceKind {
  INSTANCE("instance"),
  VOLUME("volume"),
  NETWORK_INTERFACE("network_interface"),
  SECURITY_GROUP("security_group"),
  NETWORK_ACL("network_acl"),
  ELASTIC_IP("elastic_ip"),
  VPC_MAPPINGS("vpc_mappings");

  private final String key;

  ResourceKind(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }
}
