package io.bmagent.api;

import io.bmagent.api.v1.DeprovisionInstanceRequest;
import io.bmagent.api.v1.DeprovisionInstanceResponse;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.RebootInstanceRequest;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.UpdateInstanceRequest;
import io.bmagent.domain.InstanceManager;
import io.grpc.stub.StreamObserver;

/** InstanceService over the instance manager. */
public final class InstanceApi extends InstanceServiceGrpc.InstanceServiceImplBase {

  private final InstanceManager instances;
  private final Views views;

  InstanceApi(InstanceManager instances, Views views) {
    this.instances = instances;
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
}
