package io.bmagent.cli;

import static io.bmagent.cli.BmctlRun.specFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.bmagent.api.v1.DesiredPower;
import io.bmagent.api.v1.GetConsoleOutputResponse;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.UpdateInstanceRequest;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bmctl instance: every call, and each kind of refusal with its exit code. */
class BmctlInstanceTest {

  @TempDir Path dir;
  MemoryCard card = new MemoryCard();
  AgentFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new AgentFixture(dir.resolve("state"), card);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private BmctlRun bmctl(String... args) {
    return BmctlRun.tcp(f.agent.port(), args);
  }

  @Test
  void theInstanceLifecycle() throws Exception {
    String spec = specFile(dir, "provision.json", Specs.provision(false));
    BmctlRun provisioned = bmctl("instance", "provision", "-f", spec).expect(0);
    assertTrue(provisioned.out().startsWith("INSTANCE "), provisioned.out());
    assertTrue(provisioned.out().contains("i-1"), provisioned.out());
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);

    BmctlRun got = bmctl("instance", "get").expect(0);
    assertTrue(got.out().lines().skip(1).findFirst().orElseThrow().matches("i-1 +STOPPED +OFF +OFF .*"), got.out());
    Instance json = bmctl("instance", "get", "-o", "json").expect(0).json(Instance.newBuilder()).build();
    assertEquals(f.instances.getInstance(GetInstanceRequest.getDefaultInstance()), json);

    bmctl("instance", "start", "--request-id", "r-1").expect(0);
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
    bmctl("instance", "reboot", "--request-id", "r-2", "--force").expect(0);
    AgentFixture.awaitTrue(() -> card.calls.getOrDefault("reset", 0) == 1, "one reset");
    Instance stopping = bmctl("instance", "stop", "--force", "--timeout", "5s", "-o", "json").expect(0)
        .json(Instance.newBuilder()).build();
    assertEquals(DesiredPower.DESIRED_POWER_OFF, stopping.getDesiredPower());
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);

    String update = specFile(dir, "update.json", UpdateInstanceRequest.newBuilder()
        .setSpec(stopping.getSpec().toBuilder().putLabels("team", "storage"))
        .setGeneration(f.instances.getInstance(GetInstanceRequest.getDefaultInstance()).getGeneration()).build());
    Instance updated = bmctl("instance", "update", "-f", update, "-o", "json").expect(0)
        .json(Instance.newBuilder()).build();
    assertEquals("storage", updated.getSpec().getLabelsOrThrow("team"));

    bmctl("instance", "deprovision", "i-2").expect(ExitCodes.NOT_FOUND);
    assertTrue(bmctl("instance", "deprovision", "i-1").expect(0).out().contains("deprovisioned i-1"));
    AgentFixture.awaitTrue(() -> bmctl("instance", "get").code() == ExitCodes.NOT_FOUND, "instance gone");
    bmctl("instance", "deprovision", "i-1", "--allow-missing").expect(0);
  }

  @Test
  void consolePrintsTheHostsConsoleSafelyAndItsBytesAsJson() throws Exception {
    bmctl("instance", "provision", "-f", specFile(dir, "provision.json", Specs.provision(false))).expect(0);
    byte[] printed = "Linux version 6.1\r\n\u001b]0;owned\u0007login: ".getBytes(StandardCharsets.UTF_8);
    card.console.append(printed, 0, printed.length, Instant.parse("2026-12-03T08:00:00Z"));

    BmctlRun shown = bmctl("instance", "console").expect(0);
    assertEquals("Linux version 6.1\n?]0;owned?login: \n", shown.out(), "no escape reaches the terminal");
    assertTrue(shown.err().contains(printed.length + " bytes of " + printed.length + " written, the last at "
        + "2026-12-03T08:00:00Z"), shown.err());
    assertEquals("login: \n", bmctl("instance", "console", "i-1", "--max-bytes", "7").expect(0).out());
    GetConsoleOutputResponse json = bmctl("instance", "console", "-o", "json").expect(0)
        .json(GetConsoleOutputResponse.newBuilder()).build();
    assertEquals(ByteString.copyFrom(printed), json.getOutput());
    bmctl("instance", "console", "i-2").expect(ExitCodes.NOT_FOUND);
    bmctl("instance", "console", "--max-bytes", "2000000").expect(ExitCodes.INVALID_ARGUMENT);
  }

  @Test
  void badFieldsAreNamedWithExitCode2() throws Exception {
    String spec = specFile(dir, "bad.json", Specs.provision(false).toBuilder()
        .setSpec(Specs.instance().toBuilder().setInstanceType("")).build());
    BmctlRun r = bmctl("instance", "provision", "-f", spec).expect(ExitCodes.INVALID_ARGUMENT);
    assertTrue(r.err().startsWith("error: INVALID_ARGUMENT: field spec.instance_type: "), r.err());
    assertEquals(1, r.err().lines().count(), "one line");
    assertEquals("", r.out());
  }

  @Test
  void limitsAreNamedWithExitCode3() throws Exception {
    String spec = specFile(dir, "centos8.json", Specs.provision(false).toBuilder()
        .setSpec(Specs.instance().toBuilder().setImage(Specs.centos("8.0"))).build());
    BmctlRun r = bmctl("instance", "provision", "-f", spec).expect(ExitCodes.FAILED_PRECONDITION);
    assertTrue(r.err().startsWith("error: FAILED_PRECONDITION [IMAGE_NOT_SUPPORTED]: "), r.err());
    r = bmctl("instance", "start").expect(ExitCodes.FAILED_PRECONDITION);
    assertTrue(r.err().contains("[INSTANCE_NOT_PROVISIONED]"), r.err());
  }

  @Test
  void notFoundAlreadyExistsAndAbortedHaveTheirOwnExitCodes() throws Exception {
    assertTrue(bmctl("instance", "get").expect(ExitCodes.NOT_FOUND).err().startsWith("error: NOT_FOUND"));
    bmctl("instance", "provision", "-f", specFile(dir, "p.json", Specs.provision(false))).expect(0);
    String other = specFile(dir, "other.json", Specs.provision(false).toBuilder().setInstanceId("i-2").build());
    assertTrue(bmctl("instance", "provision", "-f", other).expect(ExitCodes.ALREADY_EXISTS).err()
        .startsWith("error: ALREADY_EXISTS"));
    bmctl("instance", "start", "--generation", "1").expect(0);
    assertTrue(bmctl("instance", "stop", "--generation", "1").expect(ExitCodes.ABORTED).err()
        .startsWith("error: ABORTED"));
  }
}
