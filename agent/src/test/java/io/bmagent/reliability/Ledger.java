package io.bmagent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.DesiredPower;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.ListSecurityGroupsRequest;
import io.bmagent.api.v1.ListVolumesRequest;
import io.bmagent.api.v1.ListVpcMappingsRequest;
import io.bmagent.api.v1.ListVpcMappingsResponse;
import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.VolumeServiceGrpc;
import io.bmagent.api.v1.VpcMapping;
import io.grpc.ManagedChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What the control plane was told is done: only replies with OK change it. {@link #verify} reads everything back and
 * asserts that the agent holds exactly this, and that nothing was applied twice: every generation equals one plus
 * the number of acknowledged changes of its resource.
 */
final class Ledger {

  /** Security group id → the port its one rule opens. */
  final Map<String, Integer> groupPorts = new TreeMap<>();
  /** Security group id → acknowledged puts that changed it. */
  final Map<String, Integer> groupPuts = new HashMap<>();
  /** "vni/ip" → MAC of every mapping acknowledged and not deleted since. */
  final Map<String, String> mappings = new TreeMap<>();
  final Set<String> dataVolumes = new TreeSet<>();
  boolean provisioned;
  DesiredPower power = DesiredPower.DESIRED_POWER_ON;
  long instanceGeneration = 1;
  long reboots;
  long tableVersion;

  void verify(ManagedChannel ch) {
    NetworkServiceGrpc.NetworkServiceBlockingStub net = NetworkServiceGrpc.newBlockingStub(ch)
        .withDeadlineAfter(30, TimeUnit.SECONDS);
    Map<String, Integer> ports = new TreeMap<>();
    for (SecurityGroup g : net.listSecurityGroups(ListSecurityGroupsRequest.getDefaultInstance())
        .getSecurityGroupsList()) {
      ports.put(g.getSecurityGroupId(), g.getRules(0).getPorts().getFrom());
      assertEquals((long) groupPuts.get(g.getSecurityGroupId()), g.getGeneration(),
          "generation of " + g.getSecurityGroupId() + " against acknowledged puts");
    }
    assertEquals(groupPorts, ports, "security groups");

    Map<String, String> held = new TreeMap<>();
    String token = "";
    long version;
    do {
      ListVpcMappingsResponse page = net.listVpcMappings(ListVpcMappingsRequest.newBuilder().setPageSize(10_000)
          .setPageToken(token).build());
      for (VpcMapping m : page.getMappingsList()) {
        held.put(m.getVni() + "/" + m.getIp(), m.getMac());
      }
      token = page.getNextPageToken();
      version = page.getTableVersion();
    } while (!token.isEmpty());
    assertEquals(mappings, held, "overlay mappings");
    assertTrue(version >= tableVersion, "table version went back from " + tableVersion + " to " + version);

    if (!provisioned) {
      return;
    }
    Instance inst = InstanceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
        .getInstance(GetInstanceRequest.getDefaultInstance());
    assertEquals(power, inst.getDesiredPower(), "desired power");
    assertEquals(instanceGeneration, inst.getGeneration(), "instance generation against acknowledged changes");
    assertTrue(inst.getStatus().getRebootCount() <= reboots, "more resets than acknowledged reboots: "
        + inst.getStatus().getRebootCount() + " > " + reboots);
    Set<String> volumes = new TreeSet<>();
    VolumeServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
        .listVolumes(ListVolumesRequest.getDefaultInstance()).getVolumesList()
        .forEach(v -> volumes.add(v.getSpec().getVolumeId()));
    Set<String> expected = new TreeSet<>(dataVolumes);
    expected.add("vol-boot");
    assertEquals(expected, volumes, "volumes");
  }
}
