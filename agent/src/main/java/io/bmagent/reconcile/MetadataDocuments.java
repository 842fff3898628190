package io.bmagent.reconcile;

import io.bmagent.api.v1.HttpTokens;
import io.bmagent.api.v1.InstanceSpec;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.card.InstanceMetadata;
import io.bmagent.domain.DesiredState;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import io.bmagent.store.v1.InstanceRecord;
import java.util.Optional;

/** What the card's metadata service should serve for the desired state: the instance, its port and elastic IP. */
final class MetadataDocuments {

  private MetadataDocuments() {}

  static Optional<InstanceMetadata> of(DesiredState desired) {
    if (desired.instance().isEmpty() || desired.nic().isEmpty()) {
      return Optional.empty();
    }
    InstanceRecord rec = desired.instance().get();
    InstanceSpec spec = rec.getInstance().getSpec();
    NetworkInterfaceSpec nic = desired.nic().get().getSpec();
    Ipv4Address eip = desired.elasticIp().filter(e -> e.getNicId().equals(nic.getNicId()))
        .map(e -> Ipv4Address.parse(e.getPublicIp())).orElse(null);
    // Without a name of its own the host is named after its address, as EC2 names it.
    String hostname = spec.getHostname().isEmpty() ? "ip-" + nic.getPrivateIpv4().replace('.', '-')
        : spec.getHostname();
    return Optional.of(new InstanceMetadata(rec.getInstance().getInstanceId(), spec.getInstanceType(),
        spec.getImage().getImageId(), hostname, MacAddress.parse(nic.getMac()),
        Ipv4Address.parse(nic.getPrivateIpv4()), Ipv4Prefix.parse(nic.getSubnetCidr()), nic.getVpcId(), eip,
        spec.getSshPublicKeysList(), spec.getUserData().toByteArray(), spec.getVendorTagsMap(),
        spec.getMetadataOptions().getHttpTokens() == HttpTokens.HTTP_TOKENS_REQUIRED, rec.getMetadataVersion()));
  }
}
