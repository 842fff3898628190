package io.bmagent.domain;

import io.bmagent.api.v1.Volume;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.card.CardInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Data volumes: attach and detach while the host is stopped, and the freeze for consistent snapshots. */
public final class VolumeManager {

  static final Duration DEFAULT_FREEZE = Duration.ofSeconds(10);
  static final Duration MAX_FREEZE = Duration.ofSeconds(60);

  private final StateHolder state;
  private final CardInfo card;
  private final CardView view;

  public VolumeManager(StateHolder state, CardInfo card, CardView view) {
    this.state = state;
    this.card = card;
    this.view = view;
  }

  public Volume get(String volumeId) {
    Violations.requireId("volume_id", volumeId, VolumeSpecs.MAX_ID);
    Volume v = state.current().volumes().get(volumeId);
    if (v == null) {
      throw DomainException.notFound(ResourceKind.VOLUME, volumeId, "volume " + volumeId + " is not attached");
    }
    return v;
  }

  /** Every volume, boot volume first, then by id. */
  public List<Volume> list() {
    List<Volume> out = new ArrayList<>(state.current().volumes().values());
    out.sort((a, b) -> {
      boolean ab = a.getSpec().getRole() == VolumeRole.VOLUME_ROLE_BOOT;
      boolean bb = b.getSpec().getRole() == VolumeRole.VOLUME_ROLE_BOOT;
      return ab != bb ? (ab ? -1 : 1) : a.getSpec().getVolumeId().compareTo(b.getSpec().getVolumeId());
    });
    return out;
  }

  public Volume attach(VolumeSpec requested) {
    Violations v = new Violations();
    VolumeSpec spec = requested.getRole() == VolumeRole.VOLUME_ROLE_UNSPECIFIED
        ? requested.toBuilder().setRole(VolumeRole.VOLUME_ROLE_DATA).build() : requested;
    VolumeSpecs.validate(spec, "spec", card, v);
    if (spec.getRole() == VolumeRole.VOLUME_ROLE_BOOT) {
      v.add("spec.role", "the boot volume is attached by ProvisionInstance; attach data volumes only");
    }
    v.throwIfAny();
    VolumeSpecs.checkLimits(spec);
    return state.apply((cur, change, tx) -> {
      InstanceManager.provisioned(cur);
      Volume existing = cur.volumes().get(spec.getVolumeId());
      if (existing != null) {
        if (existing.getSpec().equals(spec)) {
          return new StateHolder.Outcome<>(cur, existing);
        }
        throw DomainException.specMismatch(ResourceKind.VOLUME, spec.getVolumeId(), existing.getGeneration(),
            "volume " + spec.getVolumeId() + " is attached with a different spec");
      }
      requireStopped("attach volume " + spec.getVolumeId());
      if (cur.volumes().size() >= card.limits().maxVolumes()) {
        throw DomainException.exhausted(Reason.CAPACITY, "the card holds at most " + card.limits().maxVolumes()
            + " volumes", DomainException.CAPACITY_RETRY, "resource_type", ResourceKind.VOLUME.key(),
            "limit", String.valueOf(card.limits().maxVolumes()));
      }
      Volume volume = Volume.newBuilder().setSpec(spec).setGeneration(1).build();
      change.put(ResourceKind.VOLUME, spec.getVolumeId(), 1, volume, SpecChange.Type.CREATED);
      return new StateHolder.Outcome<>(cur.withVolume(spec.getVolumeId(), volume), volume);
    });
  }

  public void detach(String volumeId, boolean allowMissing, long generation) {
    Violations.requireId("volume_id", volumeId, VolumeSpecs.MAX_ID);
    state.apply((cur, change, tx) -> {
      Volume existing = cur.volumes().get(volumeId);
      if (existing == null) {
        if (allowMissing) {
          return new StateHolder.Outcome<>(cur, null);
        }
        throw DomainException.notFound(ResourceKind.VOLUME, volumeId, "volume " + volumeId + " is not attached");
      }
      if (generation != 0 && generation != existing.getGeneration()) {
        throw DomainException.stale(ResourceKind.VOLUME, volumeId, generation, existing.getGeneration());
      }
      if (existing.getSpec().getRole() == VolumeRole.VOLUME_ROLE_BOOT) {
        throw DomainException.limit(Limit.INVALID_STATE, "volume " + volumeId
            + " is the system disk; it is detached only by DeprovisionInstance");
      }
      if (view.frozen(volumeId)) {
        throw DomainException.limit(Limit.VOLUME_FROZEN, "volume " + volumeId + " is frozen; thaw it first");
      }
      requireStopped("detach volume " + volumeId);
      change.delete(ResourceKind.VOLUME, volumeId);
      return new StateHolder.Outcome<>(cur.withVolume(volumeId, null), null);
    });
  }

  private void requireStopped(String what) {
    if (!view.hostStopped()) {
      throw DomainException.limit(Limit.HOT_PLUG_NOT_SUPPORTED,
          "cannot " + what + " while the host is not stopped; stop the instance first");
    }
  }

  /** Freezes the volumes at one point; returns the thaw deadline. */
  public Instant freeze(List<String> volumeIds, Duration timeout) {
    Duration t = timeout == null || timeout.isZero() ? DEFAULT_FREEZE : timeout;
    if (t.compareTo(Duration.ofSeconds(1)) < 0 || t.compareTo(MAX_FREEZE) > 0) {
      throw DomainException.invalid("timeout", "must be 1s..60s, got " + t.toMillis() + "ms");
    }
    List<String> ids = known(volumeIds, true);
    for (String id : ids) {
      if (view.frozen(id)) {
        throw DomainException.limit(Limit.VOLUME_FROZEN, "volume " + id + " is frozen already");
      }
    }
    return view.freeze(ids, t);
  }

  /** Thaws the volumes, or every volume when none is named. */
  public List<String> thaw(List<String> volumeIds) {
    List<String> ids = volumeIds.isEmpty() ? new ArrayList<>(state.current().volumes().keySet())
        : known(volumeIds, false);
    view.thaw(ids);
    return ids;
  }

  private List<String> known(List<String> volumeIds, boolean required) {
    if (required && volumeIds.isEmpty()) {
      throw DomainException.invalid("volume_ids", "name at least one volume");
    }
    if (volumeIds.size() > card.limits().maxVolumes()) {
      throw DomainException.invalid("volume_ids", "at most " + card.limits().maxVolumes() + " volumes (the card's"
          + " limit), got " + volumeIds.size());
    }
    Violations v = new Violations();
    for (int i = 0; i < volumeIds.size(); i++) {
      v.id("volume_ids[" + i + "]", volumeIds.get(i), VolumeSpecs.MAX_ID);
    }
    v.throwIfAny();
    LinkedHashSet<String> ids = new LinkedHashSet<>(volumeIds);
    if (ids.size() != volumeIds.size()) {
      throw DomainException.invalid("volume_ids", "names a volume twice");
    }
    InstanceManager.provisioned(state.current());
    for (String id : ids) {
      if (!state.current().volumes().containsKey(id)) {
        throw DomainException.notFound(ResourceKind.VOLUME, id, "volume " + id + " is not attached");
      }
    }
    return List.copyOf(ids);
  }
}
