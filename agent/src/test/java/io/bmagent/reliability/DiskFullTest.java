package io.bmagent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import io.bmagent.api.v1.GetInventoryRequest;
import io.bmagent.api.v1.ListSecurityGroupsRequest;
import io.bmagent.api.v1.ListVpcMappingsRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.daemon.Agent;
import io.bmagent.store.StateStore;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state directory on a full file system: changes are refused with RESOURCE_EXHAUSTED naming the state disk,
 * nothing half-done becomes visible, reads keep working, and writes work again once there is room.
 */
class DiskFullTest {

  private static final int ENTRIES = 500;

  @TempDir Path dir;

  @Test
  void aFullStateDiskRefusesChangesAndKeepsServingReads() throws Exception {
    assumeTrue(new UnixSystem().getUid() == 0, "skipped: mounting a small tmpfs as the state disk needs root");
    Path state = dir.resolve("state");
    Files.createDirectories(state);
    run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", state.toString());
    try {
      int acknowledged = 0;
      try (AgentFixture f = new AgentFixture(state, new MemoryCard())) {
        f.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder()
            .setSecurityGroup(Specs.sshFrom("203.0.113.0/24")).build());
        Path filler = state.resolve("filler");
        fill(filler);

        StatusRuntimeException refused = null;
        for (int batch = 0; batch < 200 && refused == null; batch++) {
          try {
            f.network.upsertVpcMappings(batch(batch));
            acknowledged++;
          } catch (StatusRuntimeException e) {
            refused = e;
          }
        }
        assertTrue(refused != null, "2 MiB never filled up");
        System.out.println("DiskFullTest: batch " + acknowledged + " refused: " + refused.getStatus());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode(), refused.getMessage());
        assertTrue(refused.getStatus().getDescription().contains("state disk is full"), refused.getMessage());

        assertEquals(Agent.VERSION, f.agentService.getInventory(GetInventoryRequest.getDefaultInstance())
            .getAgentVersion());
        assertEquals(1, f.network.listSecurityGroups(ListSecurityGroupsRequest.getDefaultInstance())
            .getSecurityGroupsCount());
        assertEquals(acknowledged * ENTRIES, mappings(f), "only acknowledged batches are visible");

        Files.delete(filler);
        f.network.upsertVpcMappings(batch(10_000));
        acknowledged++;
        assertEquals(acknowledged * ENTRIES, mappings(f), "writes work again once there is room");
      }
      try (StateStore store = StateStore.open(state)) {
        assertEquals("ok", store.integrityCheck());
      }
      try (AgentFixture f = new AgentFixture(state, new MemoryCard())) {
        assertEquals(acknowledged * ENTRIES, mappings(f), "acknowledged batches survive a restart");
      }
    } finally {
      run("umount", "-l", state.toString());
    }
  }

  private static int mappings(AgentFixture f) {
    return f.network.listVpcMappings(ListVpcMappingsRequest.newBuilder().setPageSize(10_000).build())
        .getMappingsCount();
  }

  private static UpsertVpcMappingsRequest batch(int batch) {
    UpsertVpcMappingsRequest.Builder b = UpsertVpcMappingsRequest.newBuilder();
    for (int i = 0; i < ENTRIES; i++) {
      int n = batch * ENTRIES + i + 1;
      b.addMappings(VpcMapping.newBuilder().setVni(1001).setIp("10." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff)
          + "." + (n & 0xff)).setMac("02:00:00:00:02:01").setUnderlayIp("127.0.0.3"));
    }
    return b.build();
  }

  /** Writes zeros until the file system has no room left. */
  private static void fill(Path filler) {
    byte[] chunk = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException expected) {
      // ENOSPC: the disk is full, which is the point.
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
  }
}
