package io.bmagent.domain;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.DesiredPower;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstanceSpec;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.api.v1.Volume;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.card.CardInfo;
import io.bmagent.store.v1.InstanceRecord;
import java.util.Optional;

/** The instance's lifecycle: provision, power, update and deprovision, with the product's rules. */
public final class InstanceManager {

  static final long DEFAULT_STOP_TIMEOUT_MS = 60_000;
  private static final long MAX_STOP_TIMEOUT_MS = 3_600_000;
  static final int MAX_LABELS = 64;
  static final int MAX_LABEL_KEY = 63;
  static final int MAX_LABEL_VALUE = 256;

  private final StateHolder state;
  private final CardInfo card;
  private final ImagePolicy images;
  private final Requests requests;

  public InstanceManager(StateHolder state, CardInfo card, ImagePolicy images) {
    this.state = state;
    this.card = card;
    this.images = images;
    this.requests = new Requests(state.clock());
  }

  /** The stored instance; NOT_FOUND when none is provisioned. */
  public InstanceRecord get() {
    return state.current().instance().orElseThrow(() -> DomainException.notFound(ResourceKind.INSTANCE, "",
        "no instance is provisioned"));
  }

  public InstanceRecord provision(String instanceId, InstanceSpec requested, boolean start) {
    Violations v = new Violations();
    v.id("instance_id", instanceId, 64);
    InstanceSpec spec = normalize(requested);
    validateSpec(spec, v);
    v.throwIfAny();
    if (spec.getBootDisk().hasLocalDisk()) {
      throw DomainException.limit(Limit.SYSTEM_DISK_MUST_BE_CLOUD_DISK,
          "the system disk must be a cloud disk; local disk " + spec.getBootDisk().getLocalDisk().getDevice()
              + " cannot be the system disk");
    }
    images.check(spec.getImage());
    VolumeSpecs.checkLimits(spec.getBootDisk().getCloudVolume());
    return state.apply((cur, change, tx) -> {
      if (cur.instance().isPresent()) {
        Instance existing = cur.instance().get().getInstance();
        if (existing.getInstanceId().equals(instanceId) && existing.getSpec().equals(spec)) {
          return new StateHolder.Outcome<>(cur, cur.instance().get());
        }
        throw existing.getInstanceId().equals(instanceId)
            ? DomainException.specMismatch(ResourceKind.INSTANCE, instanceId, existing.getGeneration(),
                "instance " + instanceId + " exists with a different spec")
            : DomainException.alreadyExists(Reason.INSTANCE_ALREADY_SERVED, "this card already serves instance "
                + existing.getInstanceId(), "resource_type", ResourceKind.INSTANCE.key(),
                "resource_id", existing.getInstanceId(), "generation", Long.toUnsignedString(existing.getGeneration()));
      }
      NetworkInterfaceSpec nicSpec = spec.getPrimaryNic();
      if (cur.nic().isPresent() && !cur.nic().get().getSpec().equals(nicSpec)) {
        throw cur.nic().get().getSpec().getNicId().equals(nicSpec.getNicId())
            ? DomainException.specMismatch(ResourceKind.NETWORK_INTERFACE, nicSpec.getNicId(),
                cur.nic().get().getGeneration(),
                "network interface " + nicSpec.getNicId() + " exists with a different spec")
            : DomainException.limit(Limit.SINGLE_NIC_ONLY, "the host has network interface "
                + cur.nic().get().getSpec().getNicId() + " already; one NIC only");
      }
      NetworkManager.checkReferences(cur, nicSpec);
      VolumeSpec boot = spec.getBootDisk().getCloudVolume();
      if (cur.volumes().containsKey(boot.getVolumeId())) {
        throw DomainException.specMismatch(ResourceKind.VOLUME, boot.getVolumeId(),
            cur.volumes().get(boot.getVolumeId()).getGeneration(),
            "volume " + boot.getVolumeId() + " is attached already as a data volume");
      }
      Instance instance = Instance.newBuilder()
          .setInstanceId(instanceId)
          .setSpec(spec)
          .setGeneration(1)
          .setDesiredPower(start ? DesiredPower.DESIRED_POWER_ON : DesiredPower.DESIRED_POWER_OFF)
          .setCreateTime(Timestamps.fromMillis(state.clock().millis()))
          .build();
      InstanceRecord record = InstanceRecord.newBuilder().setInstance(instance)
          .setStopTimeoutMs(DEFAULT_STOP_TIMEOUT_MS).setMetadataVersion(1).build();
      Volume volume = Volume.newBuilder().setSpec(boot).setGeneration(1).build();
      change.put(ResourceKind.INSTANCE, instanceId, 1, record, SpecChange.Type.CREATED);
      change.put(ResourceKind.VOLUME, boot.getVolumeId(), 1, volume, SpecChange.Type.CREATED);
      DesiredState next = cur.withInstance(Optional.of(record)).withVolume(boot.getVolumeId(), volume);
      if (cur.nic().isEmpty()) {
        NetworkInterface nic = NetworkInterface.newBuilder().setSpec(nicSpec).setGeneration(1).build();
        change.put(ResourceKind.NETWORK_INTERFACE, nicSpec.getNicId(), 1, nic, SpecChange.Type.CREATED);
        next = next.withNic(Optional.of(nic));
      }
      return new StateHolder.Outcome<>(next, record);
    });
  }

  private void validateSpec(InstanceSpec spec, Violations v) {
    if (spec.getInstanceType().isEmpty() || spec.getInstanceType().length() > 64) {
      v.add("spec.instance_type", "is required, at most 64 characters");
    }
    if (!spec.hasImage()) {
      v.add("spec.image", "is required");
    } else {
      Images.validate(spec.getImage(), "spec.image", v);
    }
    BootDisk boot = spec.getBootDisk();
    if (boot.getSourceCase() == BootDisk.SourceCase.SOURCE_NOT_SET) {
      v.add("spec.boot_disk", "is required");
    } else if (boot.hasCloudVolume()) {
      VolumeSpec vol = boot.getCloudVolume();
      VolumeSpecs.validate(vol, "spec.boot_disk.cloud_volume", card, v);
      if (vol.getRole() != VolumeRole.VOLUME_ROLE_BOOT) {
        v.add("spec.boot_disk.cloud_volume.role", "must be BOOT or unspecified for the system disk");
      }
    }
    if (!spec.hasPrimaryNic()) {
      v.add("spec.primary_nic", "is required");
    } else {
      NicSpecs.validate(spec.getPrimaryNic(), "spec.primary_nic", v);
    }
    if (spec.getLabelsCount() > MAX_LABELS) {
      v.add("spec.labels", "at most " + MAX_LABELS + " labels, got " + spec.getLabelsCount());
    } else {
      spec.getLabelsMap().forEach((k, value) -> {
        if (k.isEmpty() || k.length() > MAX_LABEL_KEY) {
          v.add("spec.labels", "keys are 1.." + MAX_LABEL_KEY + " characters, got one of " + k.length());
        } else {
          v.text("spec.labels[" + k + "]", value, MAX_LABEL_VALUE);
        }
      });
    }
    MetadataSpecs.validate(spec, v);
  }

  /** Fills in defaults, so that a retry with or without them is the same request. */
  private static InstanceSpec normalize(InstanceSpec spec) {
    InstanceSpec.Builder b = spec.toBuilder();
    if (spec.getBootDisk().hasCloudVolume()
        && spec.getBootDisk().getCloudVolume().getRole() == VolumeRole.VOLUME_ROLE_UNSPECIFIED) {
      b.setBootDisk(BootDisk.newBuilder().setCloudVolume(
          spec.getBootDisk().getCloudVolume().toBuilder().setRole(VolumeRole.VOLUME_ROLE_BOOT)));
    }
    if (spec.hasPrimaryNic()) {
      b.setPrimaryNic(NicSpecs.withDefaults(spec.getPrimaryNic()));
    }
    MetadataSpecs.normalize(b);
    return b.build();
  }

  public InstanceRecord start(String requestId, long generation) {
    return power(requestId, generation, "start", DesiredPower.DESIRED_POWER_ON, false, null);
  }

  public InstanceRecord stop(String requestId, long generation, boolean force, Duration timeout) {
    // Seconds are checked before they are scaled: a huge value would overflow into the allowed range.
    if (timeout != null && (!Durations.isValid(timeout) || timeout.getSeconds() < 0
        || timeout.getSeconds() > MAX_STOP_TIMEOUT_MS / 1000)) {
      throw DomainException.invalid("graceful_timeout", "must be 0..1h");
    }
    long ms = timeout == null || (timeout.getSeconds() == 0 && timeout.getNanos() == 0)
        ? DEFAULT_STOP_TIMEOUT_MS : timeout.getSeconds() * 1000 + timeout.getNanos() / 1_000_000;
    if (ms < 0 || ms > MAX_STOP_TIMEOUT_MS) {
      throw DomainException.invalid("graceful_timeout", "must be 0..1h");
    }
    return power(requestId, generation, "stop/" + force + "/" + ms, DesiredPower.DESIRED_POWER_OFF, force, ms);
  }

  private InstanceRecord power(String requestId, long generation, String what, DesiredPower desired, boolean force,
      Long timeoutMs) {
    return state.apply((cur, change, tx) -> {
      InstanceRecord rec = provisioned(cur);
      Instance inst = rec.getInstance();
      if (requests.seen(tx, requestId, what)) {
        return new StateHolder.Outcome<>(cur, rec);
      }
      checkGeneration(inst, generation);
      if (inst.getDesiredPower() == desired && (desired == DesiredPower.DESIRED_POWER_ON || rec.getStopForce() == force)) {
        return new StateHolder.Outcome<>(cur, rec);
      }
      InstanceRecord.Builder next = rec.toBuilder()
          .setInstance(inst.toBuilder().setDesiredPower(desired).setGeneration(inst.getGeneration() + 1))
          .setStoppedByHost(false);
      if (timeoutMs != null) {
        next.setStopForce(force).setStopTimeoutMs(timeoutMs);
      }
      return save(cur, change, next.build());
    });
  }

  public InstanceRecord reboot(String requestId, long generation, boolean force) {
    return state.apply((cur, change, tx) -> {
      InstanceRecord rec = provisioned(cur);
      if (requests.seen(tx, requestId, "reboot/" + force)) {
        return new StateHolder.Outcome<>(cur, rec);
      }
      checkGeneration(rec.getInstance(), generation);
      if (rec.getInstance().getDesiredPower() != DesiredPower.DESIRED_POWER_ON) {
        throw DomainException.limit(Limit.INVALID_STATE, "instance " + rec.getInstance().getInstanceId()
            + " is stopped; start it instead of rebooting it");
      }
      Instance inst = rec.getInstance();
      return save(cur, change, rec.toBuilder()
          .setInstance(inst.toBuilder().setGeneration(inst.getGeneration() + 1))
          .setRebootsRequested(rec.getRebootsRequested() + 1).build());
    });
  }

  /**
   * Changes labels, the primary NIC's security groups and what the metadata service serves (a new metadata
   * version); anything else is refused.
   */
  public InstanceRecord update(InstanceSpec requested, long generation) {
    if (generation == 0) {
      throw DomainException.invalid("generation", "is required: the generation the change was computed from");
    }
    InstanceSpec spec = normalize(requested);
    return state.apply((cur, change, tx) -> {
      InstanceRecord rec = provisioned(cur);
      Instance inst = rec.getInstance();
      checkGeneration(inst, generation);
      InstanceSpec old = inst.getSpec();
      if (!old.getInstanceType().equals(spec.getInstanceType())) {
        throw DomainException.limit(Limit.RESIZE_NOT_SUPPORTED, "instance type " + old.getInstanceType()
            + " cannot change to " + spec.getInstanceType() + "; resize is not supported");
      }
      if (!old.getImage().equals(spec.getImage())) {
        throw DomainException.invalid("spec.image", "cannot change after provisioning");
      }
      if (!old.getBootDisk().equals(spec.getBootDisk())) {
        throw DomainException.invalid("spec.boot_disk", "cannot change after provisioning");
      }
      NetworkInterfaceSpec nic = spec.getPrimaryNic();
      NetworkInterfaceSpec allowed = old.getPrimaryNic().toBuilder().clearSecurityGroupIds()
          .addAllSecurityGroupIds(nic.getSecurityGroupIdsList()).build();
      if (!allowed.equals(nic)) {
        throw DomainException.invalid("spec.primary_nic",
            "only security_group_ids may change; use UpdateNetworkInterface for the rest");
      }
      Violations v = new Violations();
      NicSpecs.validate(nic, "spec.primary_nic", v);
      MetadataSpecs.validate(spec, v);
      MetadataSpecs.tags(spec.getLabelsMap(), "spec.labels", v);
      v.throwIfAny();
      NetworkManager.checkReferences(cur, nic);
      if (old.equals(spec)) {
        return new StateHolder.Outcome<>(cur, rec);
      }
      DesiredState next = cur;
      if (!old.getPrimaryNic().equals(nic) && cur.nic().isPresent()) {
        NetworkInterface n = cur.nic().get();
        NetworkInterface updated = n.toBuilder().setSpec(nic).setGeneration(n.getGeneration() + 1).build();
        change.put(ResourceKind.NETWORK_INTERFACE, nic.getNicId(), updated.getGeneration(), updated,
            SpecChange.Type.UPDATED);
        next = next.withNic(Optional.of(updated));
      }
      long metadataVersion = rec.getMetadataVersion() + (MetadataSpecs.changed(old, spec) ? 1 : 0);
      return save(next, change, rec.toBuilder().setMetadataVersion(metadataVersion)
          .setInstance(inst.toBuilder().setSpec(spec).setGeneration(inst.getGeneration() + 1)).build());
    });
  }

  /** Records that the card has done this many resets, so a restarted agent does not reset the host again. */
  public void recordRebootsDone(long done) {
    state.apply((cur, change, tx) -> {
      if (cur.instance().isEmpty() || cur.instance().get().getRebootsDone() >= done) {
        return new StateHolder.Outcome<>(cur, null);
      }
      InstanceRecord rec = cur.instance().get().toBuilder().setRebootsDone(done).build();
      Instance inst = rec.getInstance();
      change.record(ResourceKind.INSTANCE, inst.getInstanceId(), inst.getGeneration(), rec);
      return new StateHolder.Outcome<>(cur.withInstance(Optional.of(rec)), null);
    });
  }

  /**
   * Records that the host's operating system powered the host off by itself: the instance is stopped, as a cloud
   * instance is after its OS shut down, instead of being powered on again. Returns the new generation, or 0 when
   * there was nothing to stop.
   */
  public long recordStoppedByHost() {
    return state.apply((cur, change, tx) -> {
      if (cur.instance().isEmpty()
          || cur.instance().get().getInstance().getDesiredPower() != DesiredPower.DESIRED_POWER_ON) {
        return new StateHolder.Outcome<>(cur, 0L);
      }
      InstanceRecord rec = cur.instance().get();
      Instance inst = rec.getInstance();
      InstanceRecord next = rec.toBuilder().setStoppedByHost(true).setStopForce(false).setStopTimeoutMs(0)
          .setInstance(inst.toBuilder().setDesiredPower(DesiredPower.DESIRED_POWER_OFF)
              .setGeneration(inst.getGeneration() + 1)).build();
      return new StateHolder.Outcome<>(save(cur, change, next).state(), next.getInstance().getGeneration());
    });
  }

  /**
   * Stops the host, detaches everything and scrubs the named instance; returns the id scrubbed, or empty when it was
   * missing and that is allowed. Another instance is never touched.
   */
  public String deprovision(String instanceId, long generation, boolean allowMissing) {
    Violations v = new Violations();
    v.id("instance_id", instanceId, 64);
    v.throwIfAny();
    return state.apply((cur, change, tx) -> {
      Optional<Instance> served = cur.instance().map(InstanceRecord::getInstance);
      if (served.isEmpty() || !served.get().getInstanceId().equals(instanceId)) {
        if (allowMissing) {
          return new StateHolder.Outcome<>(cur, "");
        }
        throw notServed(served, instanceId);
      }
      checkGeneration(served.get(), generation);
      String id = instanceId;
      change.delete(ResourceKind.INSTANCE, id);
      DesiredState next = cur.withInstance(Optional.empty());
      for (String volumeId : cur.volumes().keySet()) {
        change.delete(ResourceKind.VOLUME, volumeId);
        next = next.withVolume(volumeId, null);
      }
      if (cur.nic().isPresent()) {
        change.delete(ResourceKind.NETWORK_INTERFACE, cur.nic().get().getSpec().getNicId());
        next = next.withNic(Optional.empty());
      }
      if (cur.elasticIp().isPresent()) {
        change.delete(ResourceKind.ELASTIC_IP, cur.elasticIp().get().getNicId());
        next = next.withElasticIp(Optional.empty());
      }
      return new StateHolder.Outcome<>(next, id);
    });
  }

  /** NOT_FOUND for a request naming {@code instanceId} when the card serves {@code served} instead, or none. */
  static DomainException notServed(Optional<Instance> served, String instanceId) {
    return served.isEmpty()
        ? DomainException.notFound(ResourceKind.INSTANCE, instanceId, "instance " + instanceId
            + " is not provisioned; no instance is")
        : DomainException.notFound(Reason.INSTANCE_NOT_SERVED, "instance " + instanceId + " is not provisioned;"
            + " this card serves instance " + served.get().getInstanceId(), "resource_type",
            ResourceKind.INSTANCE.key(), "resource_id", instanceId, "served_instance_id",
            served.get().getInstanceId(), "generation", Long.toUnsignedString(served.get().getGeneration()));
  }

  private StateHolder.Outcome<InstanceRecord> save(DesiredState cur, Change change, InstanceRecord rec) {
    Instance inst = rec.getInstance();
    change.put(ResourceKind.INSTANCE, inst.getInstanceId(), inst.getGeneration(), rec, SpecChange.Type.UPDATED);
    return new StateHolder.Outcome<>(cur.withInstance(Optional.of(rec)), rec);
  }

  static InstanceRecord provisioned(DesiredState cur) {
    return cur.instance().orElseThrow(() -> DomainException.limit(Limit.INSTANCE_NOT_PROVISIONED,
        "no instance is provisioned on this card"));
  }

  private static void checkGeneration(Instance inst, long generation) {
    if (generation != 0 && generation != inst.getGeneration()) {
      throw DomainException.stale(ResourceKind.INSTANCE, inst.getInstanceId(), generation, inst.getGeneration());
    }
  }
}
