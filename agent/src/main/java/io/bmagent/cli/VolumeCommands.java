package io.bmagent.cli;

import com.google.protobuf.Duration;
import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.DetachVolumeRequest;
import io.bmagent.api.v1.FreezeVolumesRequest;
import io.bmagent.api.v1.GetVolumeRequest;
import io.bmagent.api.v1.ListVolumesRequest;
import io.bmagent.api.v1.ListVolumesResponse;
import io.bmagent.api.v1.ThawVolumesRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bmctl volume}: cloud disks. */
@Command(name = "volume", description = "Cloud disks: attach, detach, inspect, freeze and thaw.",
    subcommands = {VolumeCommands.Attach.class, VolumeCommands.Detach.class, VolumeCommands.Get.class,
        VolumeCommands.ListCmd.class, VolumeCommands.Freeze.class, VolumeCommands.Thaw.class})
final class VolumeCommands {

  @Command(name = "attach", description = "Attach a data volume from an AttachVolumeRequest in JSON (host stopped).")
  static final class Attach extends RpcCommand {
    @Option(names = {"-f", "--file"}, required = true, description = "The request as JSON; - for stdin.")
    String file;

    @Override
    int run(Connection c) {
      var v = c.volumes().attachVolume(SpecFile.read(file, AttachVolumeRequest.newBuilder()).build());
      return print(v, t -> Rows.volumes(t, List.of(v)));
    }
  }

  @Command(name = "detach", description = "Detach a data volume (host stopped).")
  static final class Detach extends RpcCommand {
    @Parameters(paramLabel = "VOLUME_ID")
    String volumeId;

    @Option(names = "--allow-missing", description = "Succeed when the volume is not attached.")
    boolean allowMissing;

    @Option(names = "--generation", description = "Refuse (ABORTED) unless the volume is at this generation.")
    long generation;

    @Override
    int run(Connection c) {
      var r = c.volumes().detachVolume(DetachVolumeRequest.newBuilder().setVolumeId(volumeId)
          .setAllowMissing(allowMissing).setGeneration(generation).build());
      return print(r, t -> t.note("detached " + volumeId));
    }
  }

  @Command(name = "get", description = "Show one volume.")
  static final class Get extends RpcCommand {
    @Parameters(paramLabel = "VOLUME_ID")
    String volumeId;

    @Override
    int run(Connection c) {
      var v = c.volumes().getVolume(GetVolumeRequest.newBuilder().setVolumeId(volumeId).build());
      return print(v, t -> Rows.volumes(t, List.of(v)));
    }
  }

  @Command(name = "list", description = "List the volumes, boot volume first.")
  static final class ListCmd extends RpcCommand {
    @Override
    int run(Connection c) {
      var all = ListVolumesResponse.newBuilder();
      String token = "";
      do {
        var page = c.volumes().listVolumes(ListVolumesRequest.newBuilder().setPageToken(token).build());
        all.addAllVolumes(page.getVolumesList());
        token = page.getNextPageToken();
      } while (!token.isEmpty());
      var r = all.build();
      return print(r, t -> Rows.volumes(t, r.getVolumesList()));
    }
  }

  @Command(name = "freeze", description = "Quiesce volumes for a crash-consistent snapshot; thawed at the deadline.")
  static final class Freeze extends RpcCommand {
    @Parameters(paramLabel = "VOLUME_ID", arity = "1..*")
    List<String> volumeIds;

    @Option(names = "--timeout", converter = DurationConverter.class, paramLabel = "DURATION",
        description = "Thaw automatically after this long, e.g. 10s.")
    Duration timeout;

    @Override
    int run(Connection c) {
      FreezeVolumesRequest.Builder b = FreezeVolumesRequest.newBuilder().addAllVolumeIds(volumeIds);
      if (timeout != null) {
        b.setTimeout(timeout);
      }
      var r = c.volumes().freezeVolumes(b.build());
      return print(r, t -> Rows.volumes(t, r.getVolumesList()));
    }
  }

  @Command(name = "thaw", description = "Resume I/O on frozen volumes.")
  static final class Thaw extends RpcCommand {
    @Parameters(paramLabel = "VOLUME_ID", arity = "1..*")
    List<String> volumeIds;

    @Override
    int run(Connection c) {
      var r = c.volumes().thawVolumes(ThawVolumesRequest.newBuilder().addAllVolumeIds(volumeIds).build());
      return print(r, t -> Rows.volumes(t, r.getVolumesList()));
    }
  }
}
