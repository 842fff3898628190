package io.bmagent.card;

import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the card's instance metadata service serves the host at 169.254.169.254: who the instance is, where it is,
 * the keys to let in and its user-data. The card answers only the host's own port, never the overlay.
 *
 * @param publicIpv4 the elastic IP associated with the port, or null
 * @param userData opaque bytes; empty when the instance has none (the service answers 404, as EC2 does)
 * @param tokensRequired whether every request must carry an IMDSv2 session token
 * @param version the instance's metadata version: it moves whenever the control plane changes what is served
 */
public record InstanceMetadata(
    String instanceId,
    String instanceType,
    String imageId,
    String hostname,
    MacAddress mac,
    Ipv4Address localIpv4,
    Ipv4Prefix subnet,
    String vpcId,
    Ipv4Address publicIpv4,
    List<String> sshPublicKeys,
    byte[] userData,
    Map<String, String> vendorTags,
    boolean tokensRequired,
    long version) {

  public InstanceMetadata {
    sshPublicKeys = List.copyOf(sshPublicKeys);
    userData = userData.clone();
    vendorTags = Map.copyOf(vendorTags);
  }

  @Override
  public byte[] userData() {
    return userData.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstanceMetadata m && instanceId.equals(m.instanceId)
        && instanceType.equals(m.instanceType) && imageId.equals(m.imageId) && hostname.equals(m.hostname)
        && mac.equals(m.mac) && localIpv4.equals(m.localIpv4) && subnet.equals(m.subnet) && vpcId.equals(m.vpcId)
        && Objects.equals(publicIpv4, m.publicIpv4) && sshPublicKeys.equals(m.sshPublicKeys)
        && Arrays.equals(userData, m.userData) && vendorTags.equals(m.vendorTags)
        && tokensRequired == m.tokensRequired && version == m.version;
  }

  @Override
  public int hashCode() {
    return Objects.hash(instanceId, hostname, localIpv4, version, Arrays.hashCode(userData));
  }

  /** Without the user-data and keys, which may be large and are the user's. */
  @Override
  public String toString() {
    return "InstanceMetadata[" + instanceId + " " + hostname + " " + localIpv4 + " v" + version + "]";
  }
}
