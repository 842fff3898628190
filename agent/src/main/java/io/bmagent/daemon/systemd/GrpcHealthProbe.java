package io.bmagent.daemon.systemd;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Calls the agent's own gRPC health service through a real socket with a deadline, so that a server whose event loops
 * or executor hang stops the watchdog even when the reconciler is fine.
 */
public final class GrpcHealthProbe implements Probe {

  private final ManagedChannel channel;
  private final Duration deadline;

  public GrpcHealthProbe(ManagedChannel channel, Duration deadline) {
    this.channel = channel;
    this.deadline = deadline;
  }

  @Override
  public Optional<String> problem() {
    try {
      ServingStatus s = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
      return s == ServingStatus.SERVING ? Optional.empty() : Optional.of("grpc health " + s);
    } catch (StatusRuntimeException e) {
      return Optional.of("grpc health check failed: " + e.getStatus().getCode());
    }
  }
}
