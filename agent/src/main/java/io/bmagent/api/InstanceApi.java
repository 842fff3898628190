package io.bmagent.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.bmagent.api.v1.DeprovisionInstanceRequest;
import io.bmagent.api.v1.DeprovisionInstanceResponse;
import io.bmagent.api.v1.GetConsoleOutputRequest;
import io.bmagent.api.v1.GetConsoleOutputResponse;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.RebootInstanceRequest;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.UpdateInstanceRequest;
import io.bmagent.card.ConsoleOutput;
import io.bmagent.domain.ConsoleReader;
import io.bmagent.domain.InstanceManager;
import io.grpc.stub.StreamObserver;

/** InstanceService over the instance manager. */
public final class InstanceApi extends InstanceServiceGrpc.InstanceServiceImplBase {

  private final InstanceManager instances;
  private final ConsoleReader consoles;
  private final Views views;

  InstanceApi(InstanceManager instances, ConsoleReader consoles, Views views) {
    this.instances = instances;
    this.consoles = consoles;
    this.views = views;
  }

  @Override
  public void provisionInstance(ProvisionInstanceRequest req, StreamObserver<Instance> out) {
    Errors.unary(out, () -> views.instance(
        instances.provision(req.getInstanceId(), req.getSpec(), req.getStartAfterProvisioning())));
  }

  @Override
  public void getInstance(GetInstanceRequest req, StreamObserver<Instance> out) {
    Errors.unary(out, () -> views.instance(instances.get()));
  }

  @Override
  public void startInstance(StartInstanceRequest req, StreamObserver<Instance> out) {
    Errors.unary(out, () -> views.instance(instances.start(req.getRequestId(), req.getGeneration())));
  }

  @Override
  public void stopInstance(StopInstanceRequest req, StreamObserver<Instance> out) {
    Errors.unary(out, () -> views.instance(instances.stop(req.getRequestId(), req.getGeneration(), req.getForce(),
        req.hasGracefulTimeout() ? req.getGracefulTimeout() : null)));
  }

  @Override
  public void rebootInstance(RebootInstanceRequest req, StreamObserver<Instance> out) {
    Errors.unary(out, () -> views.instance(instances.reboot(req.getRequestId(), req.getGeneration(), req.getForce())));
  }

  @Override
  public void updateInstance(UpdateInstanceRequest req, StreamObserver<Instance> out) {
    Errors.unary(out, () -> views.instance(instances.update(req.getSpec(), req.getGeneration())));
  }

  @Override
  public void deprovisionInstance(DeprovisionInstanceRequest req, StreamObserver<DeprovisionInstanceResponse> out) {
    Errors.unary(out, () -> DeprovisionInstanceResponse.newBuilder()
        .setInstanceId(instances.deprovision(req.getInstanceId(), req.getGeneration(), req.getAllowMissing())).build());
  }

  @Override
  public void getConsoleOutput(GetConsoleOutputRequest req, StreamObserver<GetConsoleOutputResponse> out) {
    Errors.unary(out, () -> {
      ConsoleOutput console = consoles.read(req.getInstanceId(), Integer.toUnsignedLong(req.getMaxBytes()));
      GetConsoleOutputResponse.Builder b = GetConsoleOutputResponse.newBuilder().setInstanceId(req.getInstanceId())
          .setOutput(ByteString.copyFrom(console.output())).setTotalBytes(console.totalBytes());
      console.lastWrite().ifPresent(t -> b.setTimestamp(
          Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano())));
      return b.build();
    });
  }
}
