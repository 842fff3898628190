package io.bmagent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.DetachVolumeRequest;
import io.bmagent.api.v1.GetInventoryRequest;
import io.bmagent.api.v1.GetVolumeRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.daemon.AgentConfig;
import io.bmagent.daemon.security.RateLimit;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.Specs;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Refusals carry google.rpc.ErrorInfo a control plane can switch on, and RetryInfo where waiting helps. */
class ErrorDetailsTest {

  @TempDir Path dir;

  @Test
  void eachRefusalNamesItsReasonResourceAndCurrentGeneration() throws Exception {
    try (AgentFixture f = new AgentFixture(dir, new MemoryCard())) {
      f.instances.provisionInstance(Specs.provision(false));

      ErrorInfo mismatch = info(Status.Code.ALREADY_EXISTS, () -> f.instances.provisionInstance(
          Specs.provision(false).toBuilder().setSpec(Specs.instance().toBuilder().putLabels("x", "y")).build()));
      assertEquals("SPEC_MISMATCH", mismatch.getReason());
      assertEquals(Map.of("resource_type", "instance", "resource_id", "i-1", "generation", "1"),
          mismatch.getMetadataMap());

      ErrorInfo served = info(Status.Code.ALREADY_EXISTS, () -> f.instances.provisionInstance(
          Specs.provision(false).toBuilder().setInstanceId("i-2").build()));
      assertEquals("INSTANCE_ALREADY_SERVED", served.getReason());
      assertEquals("i-1", served.getMetadataMap().get("resource_id"));

      ErrorInfo missing = info(Status.Code.NOT_FOUND,
          () -> f.volumes.getVolume(GetVolumeRequest.newBuilder().setVolumeId("vol-9").build()));
      assertEquals("RESOURCE_NOT_FOUND", missing.getReason());
      assertEquals(Map.of("resource_type", "volume", "resource_id", "vol-9"), missing.getMetadataMap());

      f.volumes.attachVolume(AttachVolumeRequest.newBuilder()
          .setSpec(Specs.volume("vol-d", VolumeRole.VOLUME_ROLE_DATA)).build());
      StatusRuntimeException stale = assertThrows(StatusRuntimeException.class, () -> f.volumes.detachVolume(
          DetachVolumeRequest.newBuilder().setVolumeId("vol-d").setGeneration(-1L).build()));
      ErrorInfo staleInfo = info(stale, Status.Code.ABORTED);
      assertEquals("STALE_GENERATION", staleInfo.getReason());
      assertEquals("1", staleInfo.getMetadataMap().get("generation"));
      // uint64: 2^64-1 is printed as such, not as -1.
      assertEquals("18446744073709551615", staleInfo.getMetadataMap().get("request_generation"));
      assertTrue(stale.getStatus().getDescription().contains("18446744073709551615"), stale.toString());

      ErrorInfo reused = info(Status.Code.ALREADY_EXISTS, () -> {
        f.instances.startInstance(StartInstanceRequest.newBuilder().setRequestId("r-1").build());
        f.instances.stopInstance(StopInstanceRequest.newBuilder().setRequestId("r-1").build());
      });
      assertEquals("REQUEST_ID_REUSED", reused.getReason());
    }
  }

  @Test
  void aFullCardSaysCapacityAndWhenToRetry() throws Exception {
    try (AgentFixture f = new AgentFixture(dir, new MemoryCard())) {
      f.instances.provisionInstance(Specs.provision(false));
      int max = f.agentService.getInventory(GetInventoryRequest.getDefaultInstance()).getLimits().getMaxVolumes();
      for (int i = 1; i < max; i++) {
        f.volumes.attachVolume(AttachVolumeRequest.newBuilder()
            .setSpec(Specs.volume("vol-" + i, VolumeRole.VOLUME_ROLE_DATA)).build());
      }
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> f.volumes.attachVolume(
          AttachVolumeRequest.newBuilder().setSpec(Specs.volume("vol-x", VolumeRole.VOLUME_ROLE_DATA)).build()));
      ErrorInfo capacity = info(e, Status.Code.RESOURCE_EXHAUSTED);
      assertEquals("CAPACITY", capacity.getReason());
      assertEquals(Map.of("resource_type", "volume", "limit", String.valueOf(max)), capacity.getMetadataMap());
      assertTrue(Durations.toMillis(detail(e, RetryInfo.class).orElseThrow().getRetryDelay()) > 0);
    }
  }

  @Test
  void theRateLimitSaysRateLimitedAndWhenToRetry() throws Exception {
    AgentConfig config = AgentConfig.forTests(dir);
    config = config.withSecurity(config.security().withRateLimit(new RateLimit(0.5, 1)));
    try (AgentFixture f = new AgentFixture(config, new MemoryCard())) {
      StatusRuntimeException e = null;
      for (int i = 0; i < 5 && e == null; i++) {
        try {
          f.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder()
              .setSecurityGroup(Specs.sshFrom("203.0.113.0/24")).build());
        } catch (StatusRuntimeException x) {
          e = x;
        }
      }
      assertTrue(e != null, "the rate limit never refused a call");
      assertEquals("RATE_LIMITED", info(e, Status.Code.RESOURCE_EXHAUSTED).getReason());
      assertEquals(2000, Durations.toMillis(detail(e, RetryInfo.class).orElseThrow().getRetryDelay()));
    }
  }

  private static ErrorInfo info(Status.Code code, Executable call) {
    return info(assertThrows(StatusRuntimeException.class, call), code);
  }

  private static ErrorInfo info(StatusRuntimeException e, Status.Code code) {
    assertEquals(code, e.getStatus().getCode(), e.toString());
    ErrorInfo info = detail(e, ErrorInfo.class).orElseThrow(() -> new AssertionError("no ErrorInfo in " + e));
    assertEquals("bmagent", info.getDomain());
    return info;
  }

  private static <T extends com.google.protobuf.Message> Optional<T> detail(StatusRuntimeException e, Class<T> type) {
    for (var any : StatusProto.fromThrowable(e).getDetailsList()) {
      if (any.is(type)) {
        try {
          return Optional.of(any.unpack(type));
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    return Optional.empty();
  }
}
