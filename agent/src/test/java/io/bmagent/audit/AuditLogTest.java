package io.bmagent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.FreezeVolumesRequest;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audit lines as the agent writes them for calls over a real gRPC socket. */
class AuditLogTest {

  static final String SECRET = "DHHC-1:00:bXktdm9sdW1lLXNlY3JldC1tdXN0LW5vdC1sZWFr:";

  @TempDir Path dir;
  AgentFixture f;
  final List<String> lines = new CopyOnWriteArrayList<>();
  final Logger audit = Logger.getLogger(AuditInterceptor.LOGGER);
  final Handler capture = new Handler() {
    final KeyValueFormatter format = new KeyValueFormatter();

    @Override
    public void publish(LogRecord r) {
      lines.add(format.format(r));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  /** Every log record of the JVM while a test runs, formatted, to look for a leaked secret anywhere. */
  final List<String> all = new CopyOnWriteArrayList<>();
  final Handler everything = new Handler() {
    final KeyValueFormatter format = new KeyValueFormatter();

    @Override
    public void publish(LogRecord r) {
      all.add(format.format(r));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeEach
  void start() throws Exception {
    Logger.getLogger("").addHandler(everything);
    audit.addHandler(capture);
    f = new AgentFixture(dir, new MemoryCard());
  }

  @AfterEach
  void stop() {
    f.close();
    audit.removeHandler(capture);
    Logger.getLogger("").removeHandler(everything);
  }

  @Test
  void aMutatingCallLeavesOneLineWithoutItsSecret() {
    VolumeSpec boot = Specs.volume("vol-boot", VolumeRole.VOLUME_ROLE_BOOT);
    VolumeSpec secret = boot.toBuilder().setTarget(boot.getTarget().toBuilder().setDhchapSecret(SECRET)).build();
    ProvisionInstanceRequest req = Specs.provision(false).toBuilder()
        .setSpec(Specs.instance().toBuilder().setBootDisk(Specs.instance().getBootDisk().toBuilder()
            .setCloudVolume(secret)))
        .build();
    f.instances.provisionInstance(req);

    assertEquals(1, lines.size(), lines.toString());
    String line = lines.get(0);
    assertTrue(line.startsWith("ts="), line);
    assertTrue(line.contains(" level=INFO logger=bmagent.audit msg=audit method=bmagent.v1.InstanceService/"
        + "ProvisionInstance peer=127.0.0.1:"), line);
    assertTrue(line.contains(" resource=i-1 code=OK duration_ms="), line);
    assertTrue(line.contains("dhchap_secret: \\\"" + Redactor.REDACTED + "\\\""), line);
    assertFalse(line.contains(SECRET), line);
    assertFalse(line.contains("bXktdm9sdW1lLXNlY3JldC1tdXN0LW5vdC1sZWFr"), line);
    assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
    assertTrue(all.stream().noneMatch(l -> l.contains(SECRET)), "a log line leaked the secret: " + all);
  }

  @Test
  void readsAreNotAuditedAndFailuresCarryTheirCode() {
    assertEquals(Status.Code.NOT_FOUND,
        AgentFixture.code(() -> f.instances.getInstance(GetInstanceRequest.getDefaultInstance())));
    assertEquals(List.of(), lines);

    AttachVolumeRequest attach = AttachVolumeRequest.newBuilder()
        .setSpec(Specs.volume("vol-data", VolumeRole.VOLUME_ROLE_DATA)).build();
    Status.Code code = AgentFixture.code(() -> f.volumes.attachVolume(attach));
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("method=bmagent.v1.VolumeService/AttachVolume"), lines.get(0));
    assertTrue(lines.get(0).contains(" resource=vol-data code=" + code.name() + " "), lines.get(0));
  }

  @Test
  void requestIdsAndListsOfIdsAreRecorded() {
    f.instances.provisionInstance(Specs.provision(false));
    f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
    f.instances.startInstance(StartInstanceRequest.newBuilder().setRequestId("req-42").build());
    String start = lines.get(1);
    assertTrue(start.contains("method=bmagent.v1.InstanceService/StartInstance"), start);
    assertTrue(start.contains(" request_id=req-42 "), start);
    assertTrue(start.contains(" code=OK "), start);

    AgentFixture.code(() -> f.volumes.freezeVolumes(FreezeVolumesRequest.newBuilder()
        .addVolumeIds("vol-a").addVolumeIds("vol-b").build()));
    assertTrue(lines.get(2).contains(" resource=vol-a,vol-b "), lines.get(2));
  }
}
