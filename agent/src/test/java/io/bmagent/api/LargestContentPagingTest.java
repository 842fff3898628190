package io.bmagent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.GetInventoryRequest;
import io.bmagent.api.v1.ListSecurityGroupsRequest;
import io.bmagent.api.v1.ListSecurityGroupsResponse;
import io.bmagent.api.v1.ListVolumesRequest;
import io.bmagent.api.v1.ListVolumesResponse;
import io.bmagent.api.v1.ListVpcMappingsRequest;
import io.bmagent.api.v1.ListVpcMappingsResponse;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.api.v1.VpcGateway;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores the largest content the API accepts in every resource, then reads it back through a client with gRPC's
 * default 4 MiB receive limit (the fixture's channel): every page fits, and paging returns everything once.
 */
class LargestContentPagingTest {

  static final int CLIENT_LIMIT = 4 << 20;

  @TempDir Path dir;
  AgentFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new AgentFixture(dir, new MemoryCard());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void securityGroupsOfAThousandRulesWithLongDescriptionsPage() {
    int groups = 16;
    for (int g = 0; g < groups; g++) {
      SecurityGroup.Builder b = SecurityGroup.newBuilder().setSecurityGroupId(longId("sg-" + g, 64))
          .setDescription("d".repeat(256));
      for (int r = 0; r < 1000; r++) {
        b.addRules(SecurityGroupRule.newBuilder().setDirection(Direction.DIRECTION_INGRESS)
            .setProtocol(Protocol.PROTOCOL_TCP).setPorts(PortRange.newBuilder().setFrom(1 + r).setTo(65535))
            .setRemoteCidr("203.0.113.128/25").setDescription("r".repeat(256)));
      }
      f.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(b).build());
    }
    for (int pageSize : new int[] {0, 100}) {
      Set<String> seen = new HashSet<>();
      String token = "";
      int pages = 0;
      do {
        ListSecurityGroupsResponse page = f.network.listSecurityGroups(ListSecurityGroupsRequest.newBuilder()
            .setPageSize(pageSize).setPageToken(token).build());
        assertTrue(page.getSerializedSize() < CLIENT_LIMIT, "page of " + page.getSerializedSize() + " bytes");
        page.getSecurityGroupsList().forEach(sg -> assertTrue(seen.add(sg.getSecurityGroupId())));
        token = page.getNextPageToken();
        pages++;
      } while (!token.isEmpty());
      assertEquals(groups, seen.size());
      assertTrue(pages >= 2, "page size " + pageSize + " needed " + pages + " pages");
    }
  }

  @Test
  void theFullestInstanceAndEveryVolumeFit() {
    var spec = Specs.instance().toBuilder();
    for (int i = 0; spec.getLabelsCount() < 64; i++) {
      spec.putLabels(longId("k" + i, 63), "v".repeat(256));
    }
    spec.setBootDisk(spec.getBootDisk().toBuilder().setCloudVolume(largest("vol-boot", VolumeRole.VOLUME_ROLE_BOOT)));
    f.instances.provisionInstance(Specs.provision(false).toBuilder().setSpec(spec).build());
    int max = f.agentService.getInventory(GetInventoryRequest.getDefaultInstance()).getLimits().getMaxVolumes();
    for (int i = 1; i < max; i++) {
      f.volumes.attachVolume(AttachVolumeRequest.newBuilder().setSpec(largest("vol-" + i, VolumeRole.VOLUME_ROLE_DATA))
          .build());
    }
    assertTrue(f.instances.getInstance(GetInstanceRequest.getDefaultInstance()).getSerializedSize() < CLIENT_LIMIT);
    Set<String> seen = new HashSet<>();
    String token = "";
    do {
      ListVolumesResponse page = f.volumes.listVolumes(ListVolumesRequest.newBuilder().setPageSize(5)
          .setPageToken(token).build());
      assertTrue(page.getSerializedSize() < CLIENT_LIMIT);
      page.getVolumesList().forEach(v -> assertTrue(seen.add(v.getSpec().getVolumeId())));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    assertEquals(max, seen.size());
    assertEquals(max, f.volumes.listVolumes(ListVolumesRequest.getDefaultInstance()).getVolumesCount(),
        "the default page holds every volume a card can have");
  }

  @Test
  void theMappingTableAtItsWidestPages() {
    UpsertVpcMappingsRequest.Builder req = UpsertVpcMappingsRequest.newBuilder();
    for (int vni = 1; vni <= 4096; vni++) {
      req.addGateways(VpcGateway.newBuilder().setVni(16_000_000 + vni).setUnderlayIp("192.168.200.200")
          .setMac("02:aa:bb:cc:dd:ee"));
    }
    for (int i = 0; i < 25_000; i++) {
      req.addMappings(VpcMapping.newBuilder().setVni(16_777_215).setIp("10.100." + (100 + i / 250) + "." + (i % 250))
          .setMac("02:aa:bb:cc:dd:ee").setUnderlayIp("192.168.200.200"));
    }
    f.network.upsertVpcMappings(req.build());
    int entries = 0;
    String token = "";
    do {
      ListVpcMappingsResponse page = f.network.listVpcMappings(ListVpcMappingsRequest.newBuilder()
          .setPageSize(10_000).setPageToken(token).build());
      assertTrue(page.getSerializedSize() < CLIENT_LIMIT);
      entries += page.getMappingsCount();
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    assertEquals(25_000, entries);
  }

  /** A data volume with every string at its longest. */
  private static VolumeSpec largest(String id, VolumeRole role) {
    VolumeSpec v = Specs.volume(id, role);
    String nqn = "nqn.2026-11.io.bmagent:" + id + ":";
    return v.toBuilder().setTarget(v.getTarget().toBuilder().setAddress("a".repeat(255))
        .setSubsystemNqn(nqn + "s".repeat(223 - nqn.length())).setHostNqn(nqn + "h".repeat(223 - nqn.length()))
        .setDhchapSecret("DHHC-1:00:" + "x".repeat(502))).build();
  }

  private static String longId(String prefix, int length) {
    return prefix + "-" + "x".repeat(length - prefix.length() - 1);
  }
}
