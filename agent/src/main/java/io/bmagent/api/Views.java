package io.bmagent.api;

import com.google.protobuf.util.Timestamps;
import io.bmagent.api.v1.Condition;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.InstanceStatus;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.NetworkInterfacePhase;
import io.bmagent.api.v1.NetworkInterfaceStats;
import io.bmagent.api.v1.NetworkInterfaceStatus;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.PowerState;
import io.bmagent.api.v1.ResourceStatus;
import io.bmagent.api.v1.Volume;
import io.bmagent.api.v1.VolumePhase;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.api.v1.VolumeStats;
import io.bmagent.api.v1.VolumeStatus;
import io.bmagent.reconcile.Status;
import io.bmagent.reconcile.StatusBook;
import io.bmagent.store.v1.InstanceRecord;
import java.util.Optional;

/** Puts desired state and observed status together into API resources. Secrets never leave through here. */
final class Views {

  private final StatusBook book;

  Views(StatusBook book) {
    this.book = book;
  }

  Instance instance(InstanceRecord rec) {
    Instance inst = rec.getInstance();
    Optional<Status> s = book.get("instance", inst.getInstanceId());
    InstanceStatus.Builder st = InstanceStatus.newBuilder()
        .setCommon(common(s))
        .setPhase(s.map(x -> enumOf(InstancePhase.class, "INSTANCE_PHASE_", x.phase()))
            .orElse(InstancePhase.INSTANCE_PHASE_PROVISIONING))
        .setPowerState(switch (book.power()) {
          case ON -> PowerState.POWER_STATE_ON;
          case OFF -> PowerState.POWER_STATE_OFF;
          case TRANSITIONING -> PowerState.POWER_STATE_UNSPECIFIED;
        })
        .setRebootCount(rec.getRebootsDone());
    book.firstRunning().ifPresent(t -> st.setFirstRunningTime(Timestamps.fromMillis(t.toEpochMilli())));
    Instance.Builder b = inst.toBuilder().setStatus(st);
    if (inst.getSpec().getBootDisk().hasCloudVolume()) {
      b.getSpecBuilder().getBootDiskBuilder().setCloudVolume(redact(inst.getSpec().getBootDisk().getCloudVolume()));
    }
    return b.build();
  }

  Volume volume(Volume v) {
    String id = v.getSpec().getVolumeId();
    Optional<Status> s = book.get("volume", id);
    VolumeStatus.Builder st = VolumeStatus.newBuilder()
        .setCommon(common(s))
        .setPhase(s.map(x -> enumOf(VolumePhase.class, "VOLUME_PHASE_", x.phase()))
            .orElse(VolumePhase.VOLUME_PHASE_ATTACHING))
        .setSerial(id);
    book.device(id).ifPresent(d -> {
      st.setSlot(d.slot());
      var x = d.stats();
      st.setStats(VolumeStats.newBuilder().setReadOps(x.readOps()).setWriteOps(x.writeOps())
          .setReadBytes(x.readBytes()).setWriteBytes(x.writeBytes()).setErrors(x.errors()));
      st.setHeaderDigest(d.digests().header()).setDataDigest(d.digests().data());
    });
    book.frozenUntil(id).ifPresent(t -> st.setThawDeadline(Timestamps.fromMillis(t.toEpochMilli())));
    return v.toBuilder().setSpec(redact(v.getSpec())).setStatus(st).build();
  }

  NetworkInterface nic(NetworkInterface n) {
    Optional<Status> s = book.get("network_interface", n.getSpec().getNicId());
    NetworkInterfaceStatus.Builder st = NetworkInterfaceStatus.newBuilder()
        .setCommon(common(s))
        .setPhase(s.map(x -> enumOf(NetworkInterfacePhase.class, "NETWORK_INTERFACE_PHASE_", x.phase()))
            .orElse(NetworkInterfacePhase.NETWORK_INTERFACE_PHASE_PENDING))
        .setPolicyVersion(book.policyVersion());
    book.port().ifPresent(p -> {
      var x = p.stats();
      st.setStats(NetworkInterfaceStats.newBuilder().setTxPackets(x.txPackets()).setTxBytes(x.txBytes())
          .setRxPackets(x.rxPackets()).setRxBytes(x.rxBytes()).putAllDrops(x.drops())
          .setConntrackEntries(x.conntrackEntries()));
    });
    return n.toBuilder().setStatus(st).build();
  }

  private static VolumeSpec redact(VolumeSpec spec) {
    if (spec.getTarget().getDhchapSecret().isEmpty()) {
      return spec;
    }
    NvmeofTarget t = spec.getTarget().toBuilder().setDhchapSecret("<redacted>").build();
    return spec.toBuilder().setTarget(t).build();
  }

  private static ResourceStatus common(Optional<Status> s) {
    if (s.isEmpty()) {
      return ResourceStatus.newBuilder().addConditions(Condition.newBuilder().setType("Ready").setStatus(false)
          .setReason("PENDING").setMessage("not reconciled yet")).build();
    }
    Status x = s.get();
    return ResourceStatus.newBuilder()
        .setObservedGeneration(x.observedGeneration())
        .setFailedAttempts(x.failedAttempts())
        .addConditions(Condition.newBuilder().setType("Ready").setStatus(x.ready()).setReason(x.reason())
            .setMessage(x.message()).setLastTransitionTime(Timestamps.fromMillis(x.sinceMs())))
        .build();
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String prefix, String phase) {
    return Enum.valueOf(type, prefix + phase);
  }
}
