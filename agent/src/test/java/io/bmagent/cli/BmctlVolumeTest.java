package io.bmagent.cli;

import static io.bmagent.cli.BmctlRun.specFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.FreezeVolumesResponse;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ListVolumesResponse;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bmctl volume: attach, inspect, freeze, thaw, detach, and the no-hot-plug limit. */
class BmctlVolumeTest {

  @TempDir Path dir;
  AgentFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new AgentFixture(dir.resolve("state"), new MemoryCard());
    f.instances.provisionInstance(Specs.provision(false));
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private BmctlRun bmctl(String... args) {
    return BmctlRun.tcp(f.agent.port(), args);
  }

  @Test
  void attachListFreezeThawDetach() throws Exception {
    String spec = specFile(dir, "attach.json", AttachVolumeRequest.newBuilder()
        .setSpec(Specs.volume("vol-d1", VolumeRole.VOLUME_ROLE_DATA)).build());
    assertTrue(bmctl("volume", "attach", "-f", spec).expect(0).out().contains("vol-d1"));
    AgentFixture.awaitTrue(() -> bmctl("volume", "get", "vol-d1").out().contains("ATTACHED"), "attached");

    BmctlRun list = bmctl("volume", "list").expect(0);
    assertEquals(3, list.out().lines().count(), list.out());
    assertTrue(list.out().lines().skip(1).findFirst().orElseThrow().matches("vol-boot +BOOT +NVME +1GiB .*"),
        list.out());
    ListVolumesResponse json = bmctl("volume", "list", "-o", "json").expect(0)
        .json(ListVolumesResponse.newBuilder()).build();
    assertEquals(2, json.getVolumesCount());

    FreezeVolumesResponse frozen = bmctl("volume", "freeze", "vol-d1", "--timeout", "30s", "-o", "json").expect(0)
        .json(FreezeVolumesResponse.newBuilder()).build();
    assertTrue(frozen.hasThawDeadline());
    AgentFixture.awaitTrue(() -> bmctl("volume", "get", "vol-d1", "-o", "json").out().contains("FROZEN"), "frozen");
    bmctl("volume", "thaw", "vol-d1").expect(0);
    AgentFixture.awaitTrue(() -> bmctl("volume", "get", "vol-d1").out().contains("ATTACHED"), "thawed");

    assertTrue(bmctl("volume", "detach", "vol-d1").expect(0).out().contains("detached vol-d1"));
    AgentFixture.awaitTrue(() -> bmctl("volume", "get", "vol-d1").code() == ExitCodes.NOT_FOUND, "detached");
    bmctl("volume", "detach", "vol-d1", "--allow-missing").expect(0);
  }

  @Test
  void noHotPlugIsALimitWithExitCode3() throws Exception {
    f.instances.startInstance(StartInstanceRequest.getDefaultInstance());
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    String spec = specFile(dir, "attach.json", AttachVolumeRequest.newBuilder()
        .setSpec(Specs.volume("vol-d1", VolumeRole.VOLUME_ROLE_DATA)).build());
    BmctlRun r = bmctl("volume", "attach", "-f", spec).expect(ExitCodes.FAILED_PRECONDITION);
    assertTrue(r.err().startsWith("error: FAILED_PRECONDITION [HOT_PLUG_NOT_SUPPORTED]: "), r.err());
  }
}
