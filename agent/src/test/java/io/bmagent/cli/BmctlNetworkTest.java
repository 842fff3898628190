package io.bmagent.cli;

import static io.bmagent.cli.BmctlRun.specFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AclAction;
import io.bmagent.api.v1.CreateNetworkInterfaceRequest;
import io.bmagent.api.v1.DeleteVpcMappingsRequest;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.ListVpcMappingsResponse;
import io.bmagent.api.v1.NetworkAcl;
import io.bmagent.api.v1.NetworkAclEntry;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.PutNetworkAclRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.UpdateNetworkInterfaceRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.api.v1.VpcMappingKey;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bmctl nic, sg, acl, eip and mappings. */
class BmctlNetworkTest {

  @TempDir Path dir;
  AgentFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new AgentFixture(dir.resolve("state"), new MemoryCard());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private BmctlRun bmctl(String... args) {
    return BmctlRun.tcp(f.agent.port(), args);
  }

  @Test
  void nicWithGroupAclAndElasticIp() throws Exception {
    bmctl("sg", "put", "-f", specFile(dir, "sg.json", PutSecurityGroupRequest.newBuilder()
        .setSecurityGroup(Specs.sshFrom("203.0.113.0/24")).build())).expect(0);
    assertTrue(bmctl("sg", "list").expect(0).out().lines().skip(1).findFirst().orElseThrow()
        .matches("sg-ssh +1 +1 +-"));
    bmctl("acl", "put", "-f", specFile(dir, "acl.json", PutNetworkAclRequest.newBuilder().setAcl(NetworkAcl
        .newBuilder().setAclId("acl-1").addEntries(NetworkAclEntry.newBuilder().setPriority(100)
            .setDirection(Direction.DIRECTION_INGRESS).setAction(AclAction.ACL_ACTION_ALLOW)
            .setProtocol(Protocol.PROTOCOL_ALL).setRemoteCidr("0.0.0.0/0"))).build())).expect(0);
    String create = specFile(dir, "nic.json", CreateNetworkInterfaceRequest.newBuilder()
        .setSpec(Specs.nic("eni-1").toBuilder().addSecurityGroupIds("sg-ssh").setAclId("acl-1")).build());
    assertTrue(bmctl("nic", "create", "-f", create).expect(0).out().contains("sg-ssh"));
    String other = specFile(dir, "nic2.json", CreateNetworkInterfaceRequest.newBuilder()
        .setSpec(Specs.nic("eni-2").toBuilder().setMac("02:00:00:00:00:02")).build());
    assertTrue(bmctl("nic", "create", "-f", other).expect(ExitCodes.FAILED_PRECONDITION).err()
        .contains("[SINGLE_NIC_ONLY]"));

    assertTrue(bmctl("eip", "associate", "eni-1", "203.0.113.50").expect(0).out().contains("203.0.113.50"));
    BmctlRun bad = bmctl("eip", "associate", "eni-1", "not-an-ip").expect(ExitCodes.INVALID_ARGUMENT);
    assertTrue(bad.err().contains("field public_ip: "), bad.err());

    NetworkInterface nic = bmctl("nic", "get", "eni-1", "-o", "json").expect(0)
        .json(NetworkInterface.newBuilder()).build();
    String update = specFile(dir, "update.json", UpdateNetworkInterfaceRequest.newBuilder()
        .setSpec(nic.getSpec().toBuilder().setMtu(1400)).setGeneration(nic.getGeneration()).build());
    bmctl("nic", "update", "-f", update).expect(0);
    assertTrue(bmctl("nic", "update", "-f", update).expect(ExitCodes.ABORTED).err().startsWith("error: ABORTED"));
    assertTrue(bmctl("sg", "delete", "sg-ssh").expect(ExitCodes.FAILED_PRECONDITION).err()
        .contains("[RESOURCE_IN_USE]"));

    bmctl("eip", "disassociate", "eni-1").expect(0);
    bmctl("nic", "delete", "eni-1").expect(0);
    assertEquals(ExitCodes.NOT_FOUND, bmctl("nic", "get", "eni-1").code());
    bmctl("sg", "delete", "sg-ssh").expect(0);
    bmctl("acl", "delete", "acl-1").expect(0);
    bmctl("acl", "delete", "acl-1", "--allow-missing").expect(0);
  }

  @Test
  void mappingsPageAndDelete() throws Exception {
    UpsertVpcMappingsRequest.Builder m = UpsertVpcMappingsRequest.newBuilder();
    for (int i = 1; i <= 25; i++) {
      m.addMappings(VpcMapping.newBuilder().setVni(1001).setIp("10.0.2." + i).setMac("02:00:00:00:02:01")
          .setUnderlayIp("192.0.2.7"));
    }
    assertTrue(bmctl("mappings", "upsert", "-f", specFile(dir, "m.json", m.build())).expect(0).out()
        .startsWith("upserted 25;"));
    BmctlRun page = bmctl("mappings", "list", "--vni", "1001", "--page-size", "10").expect(0);
    assertTrue(page.out().contains("more: --page-token "), page.out());
    ListVpcMappingsResponse all = bmctl("mappings", "list", "--page-size", "10", "--all", "-o", "json").expect(0)
        .json(ListVpcMappingsResponse.newBuilder()).build();
    assertEquals(25, all.getMappingsCount());
    assertEquals("", all.getNextPageToken());

    String keys = specFile(dir, "keys.json", DeleteVpcMappingsRequest.newBuilder()
        .addKeys(VpcMappingKey.newBuilder().setVni(1001).setIp("10.0.2.1")).build());
    assertTrue(bmctl("mappings", "delete", "-f", keys).expect(0).out().startsWith("deleted 1;"));
    BmctlRun table = bmctl("mappings", "list", "--all").expect(0);
    assertEquals(24, table.out().lines().filter(l -> l.startsWith("1001 ")).count(), table.out());
  }
}
