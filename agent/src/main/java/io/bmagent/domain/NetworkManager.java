package io.bmagent.domain;

import io.bmagent.api.v1.ElasticIpAssociation;
import io.bmagent.api.v1.NetworkAcl;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import java.util.List;
import java.util.Optional;

/** The primary NIC, security groups, the network ACL and the elastic IP. */
public final class NetworkManager {

  private static final List<Ipv4Prefix> NOT_PUBLIC = List.of(
      Ipv4Prefix.parse("0.0.0.0/8"), Ipv4Prefix.parse("10.0.0.0/8"), Ipv4Prefix.parse("100.64.0.0/10"),
      Ipv4Prefix.parse("127.0.0.0/8"), Ipv4Prefix.parse("169.254.0.0/16"), Ipv4Prefix.parse("172.16.0.0/12"),
      Ipv4Prefix.parse("192.168.0.0/16"), Ipv4Prefix.parse("224.0.0.0/3"));

  private final StateHolder state;

  public NetworkManager(StateHolder state) {
    this.state = state;
  }

  public NetworkInterface getNic(String nicId) {
    Violations.requireId("nic_id", nicId, NicSpecs.MAX_ID);
    return state.current().nic().filter(n -> n.getSpec().getNicId().equals(nicId))
        .orElseThrow(() -> DomainException.notFound(ResourceKind.NETWORK_INTERFACE, nicId,
            "network interface " + nicId + " does not exist"));
  }

  public NetworkInterface createNic(NetworkInterfaceSpec requested) {
    NetworkInterfaceSpec spec = NicSpecs.withDefaults(requested);
    Violations v = new Violations();
    NicSpecs.validate(spec, "spec", v);
    v.throwIfAny();
    return state.apply((cur, change, tx) -> {
      if (cur.nic().isPresent()) {
        NetworkInterface existing = cur.nic().get();
        if (existing.getSpec().equals(spec)) {
          return new StateHolder.Outcome<>(cur, existing);
        }
        if (existing.getSpec().getNicId().equals(spec.getNicId())) {
          throw DomainException.specMismatch(ResourceKind.NETWORK_INTERFACE, spec.getNicId(), existing.getGeneration(),
              "network interface " + spec.getNicId() + " exists with a different spec");
        }
        throw DomainException.limit(Limit.SINGLE_NIC_ONLY, "the host has network interface "
            + existing.getSpec().getNicId() + " already; one NIC only");
      }
      checkReferences(cur, spec);
      NetworkInterface nic = NetworkInterface.newBuilder().setSpec(spec).setGeneration(1).build();
      change.put(ResourceKind.NETWORK_INTERFACE, spec.getNicId(), 1, nic, SpecChange.Type.CREATED);
      return new StateHolder.Outcome<>(cur.withNic(Optional.of(nic)), nic);
    });
  }

  public NetworkInterface updateNic(NetworkInterfaceSpec requested, long generation) {
    if (generation == 0) {
      throw DomainException.invalid("generation", "is required: the generation the change was computed from");
    }
    NetworkInterfaceSpec spec = NicSpecs.withDefaults(requested);
    Violations v = new Violations();
    NicSpecs.validate(spec, "spec", v);
    v.throwIfAny();
    return state.apply((cur, change, tx) -> {
      NetworkInterface existing = cur.nic().filter(n -> n.getSpec().getNicId().equals(spec.getNicId()))
          .orElseThrow(() -> DomainException.notFound(ResourceKind.NETWORK_INTERFACE, spec.getNicId(),
              "network interface " + spec.getNicId() + " does not exist"));
      if (existing.getGeneration() != generation) {
        throw DomainException.stale(ResourceKind.NETWORK_INTERFACE, spec.getNicId(), generation,
            existing.getGeneration());
      }
      String fixed = NicSpecs.immutableChange(existing.getSpec(), spec);
      if (fixed != null) {
        throw DomainException.invalid("spec." + fixed, "cannot change after creation");
      }
      checkReferences(cur, spec);
      if (existing.getSpec().equals(spec)) {
        return new StateHolder.Outcome<>(cur, existing);
      }
      NetworkInterface nic = existing.toBuilder().setSpec(spec).setGeneration(generation + 1).build();
      change.put(ResourceKind.NETWORK_INTERFACE, spec.getNicId(), nic.getGeneration(), nic, SpecChange.Type.UPDATED);
      DesiredState next = cur.withNic(Optional.of(nic));
      if (cur.instance().isPresent()) {
        var rec = cur.instance().get();
        var inst = rec.getInstance();
        var updated = rec.toBuilder().setInstance(inst.toBuilder()
            .setSpec(inst.getSpec().toBuilder().setPrimaryNic(spec))).build();
        change.put(ResourceKind.INSTANCE, inst.getInstanceId(), inst.getGeneration(), updated,
            SpecChange.Type.UPDATED);
        next = next.withInstance(Optional.of(updated));
      }
      return new StateHolder.Outcome<>(next, nic);
    });
  }

  public void deleteNic(String nicId, boolean allowMissing) {
    Violations.requireId("nic_id", nicId, NicSpecs.MAX_ID);
    state.apply((cur, change, tx) -> {
      Optional<NetworkInterface> nic = cur.nic().filter(n -> n.getSpec().getNicId().equals(nicId));
      if (nic.isEmpty()) {
        if (allowMissing) {
          return new StateHolder.Outcome<>(cur, null);
        }
        throw DomainException.notFound(ResourceKind.NETWORK_INTERFACE, nicId,
            "network interface " + nicId + " does not exist");
      }
      if (cur.instance().isPresent()) {
        throw DomainException.limit(Limit.RESOURCE_IN_USE, "network interface " + nicId
            + " is the primary NIC of instance " + cur.instance().get().getInstance().getInstanceId()
            + "; deprovision the instance instead");
      }
      change.delete(ResourceKind.NETWORK_INTERFACE, nicId);
      DesiredState next = cur.withNic(Optional.empty());
      if (cur.elasticIp().isPresent()) {
        change.delete(ResourceKind.ELASTIC_IP, nicId);
        next = next.withElasticIp(Optional.empty());
      }
      return new StateHolder.Outcome<>(next, null);
    });
  }

  public SecurityGroup putSecurityGroup(SecurityGroup group) {
    Violations v = new Violations();
    PolicySpecs.validate(group, v);
    v.throwIfAny();
    String id = group.getSecurityGroupId();
    return state.apply((cur, change, tx) -> {
      SecurityGroup existing = cur.securityGroups().get(id);
      long gen = existing == null ? 0 : existing.getGeneration();
      if (group.getGeneration() != 0 && group.getGeneration() != gen) {
        throw DomainException.stale(ResourceKind.SECURITY_GROUP, id, group.getGeneration(), gen);
      }
      SecurityGroup next = group.toBuilder().setGeneration(gen + 1).build();
      if (existing != null && existing.toBuilder().clearGeneration().build()
          .equals(group.toBuilder().clearGeneration().build())) {
        return new StateHolder.Outcome<>(cur, existing);
      }
      change.put(ResourceKind.SECURITY_GROUP, id, gen + 1, next,
          existing == null ? SpecChange.Type.CREATED : SpecChange.Type.UPDATED);
      return new StateHolder.Outcome<>(cur.withSecurityGroup(id, next), next);
    });
  }

  public void deleteSecurityGroup(String id, boolean allowMissing) {
    Violations.requireId("security_group_id", id, NicSpecs.MAX_ID);
    state.apply((cur, change, tx) -> {
      if (!cur.securityGroups().containsKey(id)) {
        if (allowMissing) {
          return new StateHolder.Outcome<>(cur, null);
        }
        throw DomainException.notFound(ResourceKind.SECURITY_GROUP, id, "security group " + id + " does not exist");
      }
      if (cur.nic().isPresent() && cur.nic().get().getSpec().getSecurityGroupIdsList().contains(id)) {
        throw DomainException.limit(Limit.RESOURCE_IN_USE,
            "security group " + id + " is used by network interface " + cur.nic().get().getSpec().getNicId());
      }
      change.delete(ResourceKind.SECURITY_GROUP, id);
      return new StateHolder.Outcome<>(cur.withSecurityGroup(id, null), null);
    });
  }

  public List<SecurityGroup> listSecurityGroups() {
    return List.copyOf(state.current().securityGroups().values());
  }

  public NetworkAcl putAcl(NetworkAcl acl) {
    Violations v = new Violations();
    PolicySpecs.validate(acl, v);
    v.throwIfAny();
    String id = acl.getAclId();
    return state.apply((cur, change, tx) -> {
      NetworkAcl existing = cur.acls().get(id);
      long gen = existing == null ? 0 : existing.getGeneration();
      if (acl.getGeneration() != 0 && acl.getGeneration() != gen) {
        throw DomainException.stale(ResourceKind.NETWORK_ACL, id, acl.getGeneration(), gen);
      }
      if (existing != null && existing.getEntriesList().equals(acl.getEntriesList())) {
        return new StateHolder.Outcome<>(cur, existing);
      }
      NetworkAcl next = acl.toBuilder().setGeneration(gen + 1).build();
      change.put(ResourceKind.NETWORK_ACL, id, gen + 1, next,
          existing == null ? SpecChange.Type.CREATED : SpecChange.Type.UPDATED);
      return new StateHolder.Outcome<>(cur.withAcl(id, next), next);
    });
  }

  public void deleteAcl(String id, boolean allowMissing) {
    Violations.requireId("acl_id", id, NicSpecs.MAX_ID);
    state.apply((cur, change, tx) -> {
      if (!cur.acls().containsKey(id)) {
        if (allowMissing) {
          return new StateHolder.Outcome<>(cur, null);
        }
        throw DomainException.notFound(ResourceKind.NETWORK_ACL, id, "network ACL " + id + " does not exist");
      }
      if (cur.nic().isPresent() && cur.nic().get().getSpec().getAclId().equals(id)) {
        throw DomainException.limit(Limit.RESOURCE_IN_USE,
            "network ACL " + id + " is used by network interface " + cur.nic().get().getSpec().getNicId());
      }
      change.delete(ResourceKind.NETWORK_ACL, id);
      return new StateHolder.Outcome<>(cur.withAcl(id, null), null);
    });
  }

  /**
   * Associates the address; idempotent with the same one. Replacing another address needs that association's
   * generation, so that two control-plane workers cannot silently take the NIC's public address from each other.
   */
  public ElasticIpAssociation associateElasticIp(String nicId, String publicIp, long generation) {
    Violations v = new Violations();
    v.id("nic_id", nicId, 64);
    Ipv4Address ip = v.ipv4("public_ip", publicIp);
    if (ip != null && NOT_PUBLIC.stream().anyMatch(p -> p.contains(ip))) {
      v.add("public_ip", ip + " is not a public address");
    }
    v.throwIfAny();
    return state.apply((cur, change, tx) -> {
      getNicIn(cur, nicId);
      Optional<ElasticIpAssociation> existing = cur.elasticIp();
      if (existing.isPresent() && existing.get().getPublicIp().equals(ip.toString())) {
        return new StateHolder.Outcome<>(cur, existing.get());
      }
      long current = existing.map(ElasticIpAssociation::getGeneration).orElse(0L);
      if (existing.isPresent() && generation == 0) {
        throw DomainException.alreadyExists(Reason.ELASTIC_IP_ASSOCIATED, "network interface " + nicId
            + " has elastic IP " + existing.get().getPublicIp() + "; pass its generation " + Long.toUnsignedString(
            current) + " to replace it, or disassociate it first", "resource_type", ResourceKind.ELASTIC_IP.key(),
            "resource_id", nicId, "public_ip", existing.get().getPublicIp(), "generation",
            Long.toUnsignedString(current));
      }
      if (generation != 0 && generation != current) {
        throw DomainException.stale(ResourceKind.ELASTIC_IP, nicId, generation, current);
      }
      long gen = existing.map(ElasticIpAssociation::getGeneration).orElse(0L) + 1;
      ElasticIpAssociation eip = ElasticIpAssociation.newBuilder().setNicId(nicId).setPublicIp(ip.toString())
          .setGeneration(gen).build();
      change.put(ResourceKind.ELASTIC_IP, nicId, gen, eip,
          existing.isEmpty() ? SpecChange.Type.CREATED : SpecChange.Type.UPDATED);
      return new StateHolder.Outcome<>(cur.withElasticIp(Optional.of(eip)), eip);
    });
  }

  public void disassociateElasticIp(String nicId, boolean allowMissing) {
    Violations.requireId("nic_id", nicId, NicSpecs.MAX_ID);
    state.apply((cur, change, tx) -> {
      if (cur.elasticIp().isEmpty() || !cur.elasticIp().get().getNicId().equals(nicId)) {
        if (allowMissing) {
          return new StateHolder.Outcome<>(cur, null);
        }
        throw DomainException.notFound(ResourceKind.ELASTIC_IP, nicId,
            "network interface " + nicId + " has no elastic IP");
      }
      change.delete(ResourceKind.ELASTIC_IP, nicId);
      return new StateHolder.Outcome<>(cur.withElasticIp(Optional.empty()), null);
    });
  }

  private static NetworkInterface getNicIn(DesiredState cur, String nicId) {
    return cur.nic().filter(n -> n.getSpec().getNicId().equals(nicId))
        .orElseThrow(() -> DomainException.notFound(ResourceKind.NETWORK_INTERFACE, nicId,
            "network interface " + nicId + " does not exist"));
  }

  /** The security groups and ACL a NIC names must exist. */
  static void checkReferences(DesiredState cur, NetworkInterfaceSpec spec) {
    for (String sg : spec.getSecurityGroupIdsList()) {
      if (!cur.securityGroups().containsKey(sg)) {
        throw DomainException.notFound(ResourceKind.SECURITY_GROUP, sg,
            "security group " + sg + " does not exist; put it first");
      }
    }
    if (!spec.getAclId().isEmpty() && !cur.acls().containsKey(spec.getAclId())) {
      throw DomainException.notFound(ResourceKind.NETWORK_ACL, spec.getAclId(),
          "network ACL " + spec.getAclId() + " does not exist; put it first");
    }
  }
}
