package io.bmagent.card.soft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.Condition;
import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.EventType;
import io.bmagent.api.v1.GetVolumeRequest;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.Volume;
import io.bmagent.api.v1.VolumePhase;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.api.v1.WatchEventsRequest;
import io.bmagent.card.soft.storage.HostBlockDevice;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Specs;
import io.grpc.Context;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage outage under a running instance on the soft card: the boot volume turns DEGRADED and host I/O waits;
 * past the controller loss timeout host I/O fails with an error naming the path; when the storage is back the card
 * reconnects with a new controller by itself and the same host disk works again, without stopping the host.
 */
class SoftCardPathLossTest {

  static final String NQN = "nqn.2026-11.io.bmagent:outage";
  static final int BLOCK = 4096;
  static final long SIZE = 16L << 20;

  @TempDir Path dir;

  @Test
  void outageDegradesTheVolumeFailsHostIoAfterTheLossTimeoutAndHealsWithoutAStop() throws Exception {
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0));
    Subsystem subsystem = target.addSubsystem(NQN);
    int nsid = subsystem.addMemoryNamespace(SIZE, BLOCK).nsid();
    int port = target.start();
    SoftCard card = (SoftCard) new SoftCardProvider().open(Map.of("underlay", "127.0.0.1", "underlay-port", "0",
        "ctrl-loss-timeout-ms", "1500", "connect-timeout-ms", "3000"));
    try (AgentFixture f = new AgentFixture(dir.resolve("state"), card)) {
      VolumeSpec boot = Specs.volume("vol-boot", VolumeRole.VOLUME_ROLE_BOOT).toBuilder()
          .setTarget(NvmeofTarget.newBuilder().setTransport(io.bmagent.api.v1.Transport.TRANSPORT_TCP)
              .setAddress("127.0.0.1").setServiceId(Integer.toString(port)).setSubsystemNqn(NQN)
              .setNamespaceId(nsid))
          .setSizeBytes(SIZE).setBlockSize(BLOCK).build();
      f.instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-1")
          .setSpec(Specs.instance().toBuilder().setBootDisk(BootDisk.newBuilder().setCloudVolume(boot)))
          .setStartAfterProvisioning(true).build());
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
      HostBlockDevice disk = card.hostDevice("vol-boot").orElseThrow();
      byte[] data = new byte[8 * BLOCK];
      new Random(3).nextBytes(data);
      HostIo.write(disk, 0, data);
      String resumePoint = resumePoint(f);

      target.stop();
      Condition reconnecting = awaitVolume(f, VolumePhase.VOLUME_PHASE_DEGRADED, "PATH_RECONNECTING");
      assertTrue(reconnecting.getMessage().contains(NQN), reconnecting.getMessage());
      ByteBuf held = Unpooled.buffer(8 * BLOCK);
      CompletableFuture<Void> read = disk.read(0, 8, held);
      assertFalse(read.isDone(), "host I/O waits while the card reconnects");
      ExecutionException lost = assertThrows(ExecutionException.class, () -> read.get(20, TimeUnit.SECONDS));
      held.release();
      String expected = "path to " + NQN + " at 127.0.0.1:" + port;
      assertTrue(lost.getCause().getMessage().startsWith(expected), lost.getCause().getMessage());
      assertTrue(lost.getCause().getMessage().endsWith("past the controller loss timeout of 1500 ms"),
          lost.getCause().getMessage());
      Condition failed = awaitVolume(f, VolumePhase.VOLUME_PHASE_DEGRADED, "PATH_FAILED");
      assertTrue(failed.getMessage().contains(NQN), failed.getMessage());
      ExecutionException fast = assertThrows(ExecutionException.class, () -> HostIo.read(disk, 0, 8));
      assertTrue(fast.getCause().getMessage().startsWith(expected), "new host I/O fails at once, naming the path");

      target.start();
      awaitVolume(f, VolumePhase.VOLUME_PHASE_ATTACHED, "ATTACHED");
      assertSame(disk, card.hostDevice("vol-boot").orElseThrow(), "the host keeps the same disk");
      assertArrayEquals(data, HostIo.read(disk, 0, 8), "the volume's data is there again");
      assertEquals(InstancePhase.INSTANCE_PHASE_RUNNING, f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING)
          .getStatus().getPhase(), "the host was never stopped");

      assertEquals(List.of("PATH_DOWN", "DEVICE_ERROR", "PATH_UP"), cardEvents(f, resumePoint, "vol-boot", "PATH_UP"));
    } finally {
      target.close();
    }
  }

  private static Condition awaitVolume(AgentFixture f, VolumePhase phase, String reason) {
    AgentFixture.awaitTrue(() -> {
      Volume v = volume(f);
      return v.getStatus().getPhase() == phase && ready(v).getReason().equals(reason);
    }, "volume " + phase + " with reason " + reason);
    return ready(volume(f));
  }

  private static Volume volume(AgentFixture f) {
    return f.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId("vol-boot").build());
  }

  private static Condition ready(Volume v) {
    return v.getStatus().getCommon().getConditionsList().stream().filter(c -> c.getType().equals("Ready"))
        .findFirst().orElseThrow();
  }

  /** The current end of the event log: a resume point the agent does not hold is answered with one at its end. */
  private static String resumePoint(AgentFixture f) throws Exception {
    try (Context.CancellableContext watch = Context.current().withCancellation()) {
      return watch.call(() -> {
        Event resync = stub(f).watchEvents(WatchEventsRequest.newBuilder().setResumeToken("none").build()).next();
        assertEquals(EventType.EVENT_TYPE_RESYNC, resync.getType());
        return resync.getResumeToken();
      });
    }
  }

  /** The reasons of the CARD events about {@code objectId} after {@code resumePoint}, up to {@code last}. */
  private static List<String> cardEvents(AgentFixture f, String resumePoint, String objectId, String last)
      throws Exception {
    try (Context.CancellableContext watch = Context.current().withCancellation()) {
      return watch.call(() -> {
        List<String> out = new ArrayList<>();
        Iterator<Event> events = stub(f).watchEvents(WatchEventsRequest.newBuilder().setResumeToken(resumePoint)
            .build());
        while (out.isEmpty() || !out.get(out.size() - 1).equals(last)) {
          Event e = events.next();
          if (e.getType() == EventType.EVENT_TYPE_CARD && e.getResourceId().equals(objectId)) {
            out.add(e.getReason());
          }
        }
        return out;
      });
    }
  }

  private static AgentServiceGrpc.AgentServiceBlockingStub stub(AgentFixture f) {
    return AgentServiceGrpc.newBlockingStub(f.channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }
}
