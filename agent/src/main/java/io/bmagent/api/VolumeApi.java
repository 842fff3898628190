package io.bmagent.api;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.DetachVolumeRequest;
import io.bmagent.api.v1.DetachVolumeResponse;
import io.bmagent.api.v1.FreezeVolumesRequest;
import io.bmagent.api.v1.FreezeVolumesResponse;
import io.bmagent.api.v1.GetVolumeRequest;
import io.bmagent.api.v1.ListVolumesRequest;
import io.bmagent.api.v1.ListVolumesResponse;
import io.bmagent.api.v1.ThawVolumesRequest;
import io.bmagent.api.v1.ThawVolumesResponse;
import io.bmagent.api.v1.Volume;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeServiceGrpc;
import io.bmagent.domain.DomainException;
import io.bmagent.domain.VolumeManager;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** VolumeService over the volume manager. */
public final class VolumeApi extends VolumeServiceGrpc.VolumeServiceImplBase {

  static final Pages.Sizes PAGE = new Pages.Sizes(16, 100);

  private final VolumeManager volumes;
  private final Views views;

  VolumeApi(VolumeManager volumes, Views views) {
    this.volumes = volumes;
    this.views = views;
  }

  @Override
  public void attachVolume(AttachVolumeRequest req, StreamObserver<Volume> out) {
    Errors.unary(out, () -> views.volume(volumes.attach(req.getSpec())));
  }

  @Override
  public void detachVolume(DetachVolumeRequest req, StreamObserver<DetachVolumeResponse> out) {
    Errors.unary(out, () -> {
      volumes.detach(req.getVolumeId(), req.getAllowMissing(), req.getGeneration());
      return DetachVolumeResponse.getDefaultInstance();
    });
  }

  @Override
  public void getVolume(GetVolumeRequest req, StreamObserver<Volume> out) {
    Errors.unary(out, () -> views.volume(volumes.get(req.getVolumeId())));
  }

  @Override
  public void listVolumes(ListVolumesRequest req, StreamObserver<ListVolumesResponse> out) {
    Errors.unary(out, () -> {
      Pages.Page<Volume> page = Pages.page("volumes", volumes.list().stream().map(views::volume).toList(),
          VolumeApi::listKey, PAGE, req.getPageSize(), req.getPageToken());
      return ListVolumesResponse.newBuilder().addAllVolumes(page.items()).setNextPageToken(page.nextToken()).build();
    });
  }

  /** The order of {@link VolumeManager#list}: the boot volume first, then by id. */
  private static String listKey(Volume v) {
    return (v.getSpec().getRole() == VolumeRole.VOLUME_ROLE_BOOT ? "0:" : "1:") + v.getSpec().getVolumeId();
  }

  @Override
  public void freezeVolumes(FreezeVolumesRequest req, StreamObserver<FreezeVolumesResponse> out) {
    Errors.unary(out, () -> {
      // Durations.toMillis throws on a malformed Duration (nanos out of range, mixed signs): refuse it first.
      if (req.hasTimeout() && !Durations.isValid(req.getTimeout())) {
        throw DomainException.invalid("timeout", "is not a valid google.protobuf.Duration");
      }
      Duration timeout = req.hasTimeout() ? Duration.ofMillis(Durations.toMillis(req.getTimeout())) : null;
      Instant until = volumes.freeze(req.getVolumeIdsList(), timeout);
      return FreezeVolumesResponse.newBuilder()
          .addAllVolumes(views(req.getVolumeIdsList()))
          .setThawDeadline(Timestamps.fromMillis(until.toEpochMilli()))
          .build();
    });
  }

  @Override
  public void thawVolumes(ThawVolumesRequest req, StreamObserver<ThawVolumesResponse> out) {
    Errors.unary(out, () -> ThawVolumesResponse.newBuilder()
        .addAllVolumes(views(volumes.thaw(req.getVolumeIdsList()))).build());
  }

  private List<Volume> views(List<String> ids) {
    return ids.stream().map(id -> views.volume(volumes.get(id))).toList();
  }
}
