package io.bmagent.domain;

import io.bmagent.api.v1.ElasticIpAssociation;
import io.bmagent.api.v1.NetworkAcl;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.Volume;
import io.bmagent.store.v1.InstanceRecord;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable snapshot of what the control plane asked for, except the overlay location table, which is too large
 * to copy per change and lives in {@link MappingTable}. Readers take a snapshot without locking; writers replace it.
 */
public record DesiredState(
    Optional<InstanceRecord> instance,
    Map<String, Volume> volumes,
    Optional<NetworkInterface> nic,
    Map<String, SecurityGroup> securityGroups,
    Map<String, NetworkAcl> acls,
    Optional<ElasticIpAssociation> elasticIp) {

  public static final DesiredState EMPTY =
      new DesiredState(Optional.empty(), Map.of(), Optional.empty(), Map.of(), Map.of(), Optional.empty());

  public DesiredState {
    volumes = Collections.unmodifiableMap(new TreeMap<>(volumes));
    securityGroups = Collections.unmodifiableMap(new TreeMap<>(securityGroups));
    acls = Collections.unmodifiableMap(new TreeMap<>(acls));
  }

  DesiredState withInstance(Optional<InstanceRecord> i) {
    return new DesiredState(i, volumes, nic, securityGroups, acls, elasticIp);
  }

  DesiredState withVolume(String id, Volume v) {
    Map<String, Volume> m = new TreeMap<>(volumes);
    if (v == null) {
      m.remove(id);
    } else {
      m.put(id, v);
    }
    return new DesiredState(instance, m, nic, securityGroups, acls, elasticIp);
  }

  DesiredState withNic(Optional<NetworkInterface> n) {
    return new DesiredState(instance, volumes, n, securityGroups, acls, elasticIp);
  }

  DesiredState withSecurityGroup(String id, SecurityGroup g) {
    Map<String, SecurityGroup> m = new TreeMap<>(securityGroups);
    if (g == null) {
      m.remove(id);
    } else {
      m.put(id, g);
    }
    return new DesiredState(instance, volumes, nic, m, acls, elasticIp);
  }

  DesiredState withAcl(String id, NetworkAcl a) {
    Map<String, NetworkAcl> m = new TreeMap<>(acls);
    if (a == null) {
      m.remove(id);
    } else {
      m.put(id, a);
    }
    return new DesiredState(instance, volumes, nic, securityGroups, m, elasticIp);
  }

  DesiredState withElasticIp(Optional<ElasticIpAssociation> e) {
    return new DesiredState(instance, volumes, nic, securityGroups, acls, e);
  }
}
