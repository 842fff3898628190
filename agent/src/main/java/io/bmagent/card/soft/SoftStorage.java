package io.bmagent.card.soft;

import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.BlockDeviceState;
import io.bmagent.card.BlockDeviceStats;
import io.bmagent.card.BlockDevices;
import io.bmagent.card.CardEvent;
import io.bmagent.card.CardException;
import io.bmagent.card.Digests;
import io.bmagent.card.PathState;
import io.bmagent.card.Transport;
import io.bmagent.card.soft.nvmetcp.ControllerInfo;
import io.bmagent.card.soft.nvmetcp.NamespaceInfo;
import io.bmagent.card.soft.nvmetcp.NvmeTcpController;
import io.bmagent.card.soft.storage.DeviceStats;
import io.bmagent.card.soft.storage.DeviceType;
import io.bmagent.card.soft.storage.HostBlockDevice;
import io.bmagent.card.soft.storage.NvmeNamespaceBackend;
import io.bmagent.card.soft.storage.QosLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The soft card's emulated block devices: for each, an NVMe/TCP controller towards the volume's subsystem and a
 * {@link HostBlockDevice} in a slot through which the host submits I/O.
 *
 * <p>When a path drops, the controller reconnects and host I/O waits (PATH_DOWN). Once the controller loss timeout
 * has passed, the controller is failed for good, as Linux deletes it after ctrl_loss_tmo, and host I/O fails at once
 * (DEVICE_ERROR). The card does not leave the disk dead until someone stops the host to re-attach it: it keeps
 * opening new controllers to the same path in the background, each reconnecting like the first for up to the loss
 * timeout, with pauses from {@value #REVIVE_FIRST_MS} ms doubling to {@value #REVIVE_MAX_MS} ms between them, whatever
 * the host's power. The first that reaches the namespace with the volume's geometry takes the failed one's place
 * behind the same host device (PATH_UP), so the host's disk works again without a stop.
 */
final class SoftStorage implements BlockDevices, AutoCloseable {

  static final long REVIVE_FIRST_MS = 1_000;
  static final long REVIVE_MAX_MS = 60_000;

  private record Attached(BlockDeviceConfig config, int slot, NvmeTcpController controller, HostBlockDevice device,
      NvmeNamespaceBackend backend) {}

  /** A volume whose controller failed: the replacement being connected, or the timer for the next attempt. */
  private static final class Revival {
    int attempts;
    NvmeTcpController connecting;
    ScheduledFuture<?> next;

    void cancel() {
      if (next != null) {
        next.cancel(false);
      }
      if (connecting != null) {
        connecting.close();
        connecting = null;
      }
    }
  }

  private final Map<String, Attached> devices = new TreeMap<>();
  private final Map<String, Revival> revivals = new HashMap<>();
  private final ScheduledExecutorService scheduler;
  private final Consumer<CardEvent> events;
  private final BooleanSupplier hostOff;
  private final SoftStorageOptions options;
  private final int maxDevices;

  SoftStorage(ScheduledExecutorService scheduler, Consumer<CardEvent> events, BooleanSupplier hostOff,
      SoftStorageOptions options, int maxDevices) {
    this.scheduler = scheduler;
    this.events = events;
    this.hostOff = hostOff;
    this.options = options;
    this.maxDevices = maxDevices;
  }

  @Override
  public synchronized List<BlockDeviceState> list() {
    List<BlockDeviceState> out = new ArrayList<>();
    for (Attached a : devices.values()) {
      DeviceStats s = a.device().stats();
      out.add(new BlockDeviceState(a.config(), a.slot(), path(a.controller()), a.device().frozen(),
          new BlockDeviceStats(s.reads(), s.writes(), s.bytesRead(), s.bytesWritten(), s.errors()),
          digests(a.controller())));
    }
    out.sort(Comparator.comparingInt(BlockDeviceState::slot));
    return out;
  }

  @Override
  public synchronized void attach(BlockDeviceConfig config) {
    requireHostOff("attach " + config.volumeId());
    if (devices.containsKey(config.volumeId())) {
      throw new CardException(CardException.Reason.ALREADY_EXISTS, "device " + config.volumeId() + " exists");
    }
    if (devices.size() >= maxDevices) {
      throw new CardException(CardException.Reason.NO_SPACE, "all " + maxDevices + " device slots are in use");
    }
    if (config.path().transport() != Transport.TCP) {
      throw new CardException(CardException.Reason.INVALID, "the soft card initiates NVMe/TCP only");
    }
    NvmeTcpController controller = new NvmeTcpController(options.controllerConfig(config));
    try {
      connect(controller, config);
      NamespaceInfo ns = controller.namespace(config.path().namespaceId());
      check(ns, config);
      NvmeNamespaceBackend backend = new NvmeNamespaceBackend(controller, config.path().namespaceId());
      HostBlockDevice device = new HostBlockDevice(config.volumeId(),
          config.deviceType() == io.bmagent.card.DeviceType.VIRTIO_BLK ? DeviceType.VIRTIO_BLK : DeviceType.NVME,
          backend, scheduler);
      device.qos(config.qos().iops() == 0 && config.qos().bytesPerSecond() == 0 ? QosLimits.UNLIMITED
          : QosLimits.of(config.qos().iops(), config.qos().bytesPerSecond()));
      controller.addListener((state, cause) -> pathChanged(config.volumeId(), controller, state, cause));
      devices.put(config.volumeId(), new Attached(config, freeSlot(), controller, device, backend));
    } catch (RuntimeException e) {
      controller.close();
      throw e;
    }
  }

  private void connect(NvmeTcpController controller, BlockDeviceConfig config) {
    try {
      controller.connect().get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new CardException(CardException.Reason.IO, "cannot connect " + config.path() + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new CardException(CardException.Reason.TIMEOUT, "no answer from " + config.path());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CardException(CardException.Reason.UNAVAILABLE, "interrupted");
    }
  }

  private static void check(NamespaceInfo ns, BlockDeviceConfig config) {
    if (ns == null) {
      throw new CardException(CardException.Reason.NOT_FOUND, "subsystem " + config.path().subsystemNqn()
          + " has no namespace " + config.path().namespaceId());
    }
    if (ns.blockSize() != config.blockSize() || ns.capacityBytes() != config.sizeBytes()) {
      throw new CardException(CardException.Reason.INVALID, "namespace " + config.path().namespaceId() + " of "
          + config.path().subsystemNqn() + " is " + ns.capacityBytes() + " bytes in " + ns.blockSize()
          + "-byte blocks; the volume is " + config.sizeBytes() + " bytes in " + config.blockSize() + "-byte blocks");
    }
  }

  private int freeSlot() {
    int slot = 1;
    for (Attached a : devices.values().stream().sorted(Comparator.comparingInt(Attached::slot)).toList()) {
      if (a.slot() == slot) {
        slot++;
      }
    }
    return slot;
  }

  @Override
  public synchronized void detach(String volumeId) {
    requireHostOff("detach " + volumeId);
    Attached a = devices.remove(volumeId);
    if (a == null) {
      throw new CardException(CardException.Reason.NOT_FOUND, "no device " + volumeId);
    }
    Revival r = revivals.remove(volumeId);
    if (r != null) {
      r.cancel();
    }
    a.device().thaw();
    a.controller().close();
  }

  @Override
  public void freeze(Collection<String> volumeIds, Duration timeout) {
    List<HostBlockDevice> targets = find(volumeIds);
    CompletableFuture<?>[] done = targets.stream().map(d -> d.freeze(timeout)).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(done).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      targets.forEach(HostBlockDevice::thaw);
      throw new CardException(e instanceof TimeoutException ? CardException.Reason.TIMEOUT : CardException.Reason.IO,
          "freeze did not complete: " + (e.getCause() == null ? "in-flight I/O did not drain in time"
              : e.getCause().getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      targets.forEach(HostBlockDevice::thaw);
      throw new CardException(CardException.Reason.UNAVAILABLE, "interrupted");
    }
  }

  @Override
  public void thaw(Collection<String> volumeIds) {
    find(volumeIds).forEach(HostBlockDevice::thaw);
  }

  /** The host-facing device of a volume, through which the host submits I/O. */
  synchronized Optional<HostBlockDevice> device(String volumeId) {
    return Optional.ofNullable(devices.get(volumeId)).map(Attached::device);
  }

  private synchronized List<HostBlockDevice> find(Collection<String> volumeIds) {
    List<HostBlockDevice> out = new ArrayList<>();
    for (String id : volumeIds) {
      Attached a = devices.get(id);
      if (a == null) {
        throw new CardException(CardException.Reason.NOT_FOUND, "no device " + id);
      }
      out.add(a.device());
    }
    return out;
  }

  private void requireHostOff(String what) {
    if (!hostOff.getAsBoolean()) {
      throw new CardException(CardException.Reason.BUSY, "cannot " + what + " while the host is on");
    }
  }

  /** Runs on the controller's event loop, which must not wait for this object's lock: detach holds it to close. */
  private void pathChanged(String volumeId, NvmeTcpController controller, io.bmagent.card.soft.nvmetcp.PathState state,
      Throwable cause) {
    String why = cause == null ? "" : ": " + cause.getMessage();
    switch (state) {
      case CONNECTED -> events.accept(new CardEvent(CardEvent.Kind.PATH_UP, volumeId, "path up"));
      case RECONNECTING -> events.accept(new CardEvent(CardEvent.Kind.PATH_DOWN, volumeId, "path down" + why));
      case FAILED -> {
        events.accept(new CardEvent(CardEvent.Kind.DEVICE_ERROR, volumeId, "path failed after the controller loss"
            + " timeout" + why + "; host I/O fails until a new controller connects"));
        scheduler.execute(() -> scheduleRevival(volumeId, controller));
      }
      default -> { }
    }
  }

  private synchronized void scheduleRevival(String volumeId, NvmeTcpController failed) {
    Attached a = devices.get(volumeId);
    if (a == null || a.controller() != failed) {
      return;
    }
    Revival r = revivals.computeIfAbsent(volumeId, id -> new Revival());
    long delay = Math.min(REVIVE_MAX_MS, REVIVE_FIRST_MS << Math.min(r.attempts, 16));
    r.next = scheduler.schedule(() -> revive(volumeId), delay, TimeUnit.MILLISECONDS);
  }

  private synchronized void revive(String volumeId) {
    Revival r = revivals.get(volumeId);
    Attached a = devices.get(volumeId);
    if (r == null || a == null) {
      return;
    }
    r.attempts++;
    NvmeTcpController c = new NvmeTcpController(options.controllerConfig(a.config()));
    r.connecting = c;
    c.connect().whenComplete((v, e) -> scheduler.execute(() -> revived(volumeId, c, e)));
  }

  private synchronized void revived(String volumeId, NvmeTcpController c, Throwable error) {
    Revival r = revivals.get(volumeId);
    if (r == null || r.connecting != c) {
      return; // detached or closed meanwhile, which closed c
    }
    r.connecting = null;
    Attached a = devices.get(volumeId);
    String problem = error == null ? null : error.getMessage();
    if (error == null) {
      try {
        check(c.namespace(a.config().path().namespaceId()), a.config());
      } catch (CardException e) {
        problem = e.getMessage();
      }
    }
    if (problem != null) {
      c.close();
      scheduleRevival(volumeId, a.controller());
      return;
    }
    revivals.remove(volumeId);
    a.backend().controller(c);
    c.addListener((state, cause) -> pathChanged(volumeId, c, state, cause));
    devices.put(volumeId, new Attached(a.config(), a.slot(), c, a.device(), a.backend()));
    a.controller().close();
    events.accept(new CardEvent(CardEvent.Kind.PATH_UP, volumeId, "path up with a new controller after "
        + r.attempts + (r.attempts == 1 ? " attempt" : " attempts")));
  }

  /** The digests of the current association as ICResp settled them; none while it is down. */
  private static Digests digests(NvmeTcpController c) {
    ControllerInfo info = c.info();
    return info == null || c.state() != io.bmagent.card.soft.nvmetcp.PathState.CONNECTED ? Digests.NONE
        : new Digests(info.headerDigest(), info.dataDigest());
  }

  private static PathState path(NvmeTcpController c) {
    return switch (c.state()) {
      case CONNECTED -> PathState.CONNECTED;
      case CONNECTING, RECONNECTING -> PathState.RECONNECTING;
      case FAILED, CLOSED -> PathState.FAILED;
    };
  }

  @Override
  public synchronized void close() {
    revivals.values().forEach(Revival::cancel);
    revivals.clear();
    devices.values().forEach(a -> a.controller().close());
    devices.clear();
  }
}
