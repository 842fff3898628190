package io.bmagent.card.nativelib;

import com.sun.jna.ptr.IntByReference;
import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.BlockDeviceState;
import io.bmagent.card.BlockDeviceStats;
import io.bmagent.card.BlockDevices;
import io.bmagent.card.CardException;
import io.bmagent.card.DeviceType;
import io.bmagent.card.Digests;
import io.bmagent.card.NvmeofPath;
import io.bmagent.card.PathState;
import io.bmagent.card.QosLimits;
import io.bmagent.card.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Block devices as one NVMe-oF connection per volume (connection id = volume id) and one emulated
 * device on it (serial = volume id). {@link #list()} rebuilds each config from the card alone, so
 * a process that restarted sees what it attached before. The one exception is the DH-HMAC-CHAP
 * secret, which the card never returns: it is reported when this process set it and the card
 * still has one, and is empty otherwise.
 */
final class NativeBlockDevices implements BlockDevices {

  private final BmdpuCard card;
  /** Secrets of the connections this process made, by volume id; only non-empty ones. */
  private final Map<String, String> secrets = new ConcurrentHashMap<>();

  NativeBlockDevices(BmdpuCard card) {
    this.card = card;
  }

  @Override
  public List<BlockDeviceState> list() {
    return NativeErrors.call(() -> {
      Map<String, NvmfStatus> connections = NativeListing.all(NvmfStatus.class, "nvmf_list",
          (out, n) -> card.library().bmdpu_nvmf_list(card.handle(), out, n), s -> s)
          .stream().collect(Collectors.toMap(NvmfStatus::connId, Function.identity(), (a, b) -> a));
      List<BlockDeviceState> states = new ArrayList<>();
      for (BlockdevInfo info : devices()) {
        BlockdevStats stats = new BlockdevStats();
        BmdpuErrors.check(card.library().bmdpu_blockdev_get_stats(card.handle(), info.spec.slot, stats),
            "blockdev_get_stats");
        NvmfStatus connection = connections.get(info.spec.connId());
        int path = connection == null ? stats.path_state : connection.state;
        boolean hasSecret = connection != null && connection.has_secret != 0;
        Digests digests = connection == null || connection.state != BmdpuLibrary.BMDPU_PATH_CONNECTED
            ? Digests.NONE : digests(connection.digests);
        states.add(new BlockDeviceState(config(info.spec, hasSecret), info.spec.slot, pathState(path),
            info.frozen != 0, new BlockDeviceStats(stats.read_ops, stats.write_ops, stats.read_bytes,
                stats.write_bytes, stats.errors), digests));
      }
      states.sort(Comparator.comparingInt(BlockDeviceState::slot));
      return states;
    });
  }

  @Override
  public void attach(BlockDeviceConfig config) {
    NativeErrors.call(() -> {
      connect(config);
      try {
        BlockdevSpec spec = new BlockdevSpec(deviceType(config.deviceType()), config.volumeId(),
            config.path().namespaceId(), config.volumeId(), config.sizeBytes(), config.blockSize(),
            config.queues());
        spec.qos_iops = config.qos().iops();
        spec.qos_bytes_per_sec = config.qos().bytesPerSecond();
        spec.boot = config.boot() ? 1 : 0;
        IntByReference slot = new IntByReference();
        BmdpuErrors.check(card.library().bmdpu_blockdev_attach(card.handle(), spec, slot), "blockdev_attach");
      } catch (RuntimeException e) {
        // Nothing may outlive a failed attach: the connection would hold a card slot and the secret.
        try {
          BmdpuErrors.check(card.library().bmdpu_nvmf_disconnect(card.handle(), config.volumeId()),
              "nvmf_disconnect");
        } catch (BmdpuException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
      if (config.path().dhchapSecret().isEmpty()) {
        secrets.remove(config.volumeId());
      } else {
        secrets.put(config.volumeId(), config.path().dhchapSecret());
      }
      return null;
    });
  }

  @Override
  public void detach(String volumeId) {
    NativeErrors.call(() -> {
      BlockdevInfo device = find(volumeId);
      if (device != null) {
        BmdpuErrors.check(card.library().bmdpu_blockdev_detach(card.handle(), device.spec.slot),
            "blockdev_detach");
      }
      try {
        BmdpuErrors.check(card.library().bmdpu_nvmf_disconnect(card.handle(), volumeId), "nvmf_disconnect");
      } catch (BmdpuException e) {
        // The device alone is a complete detach; its connection missing too means there was nothing.
        if (e.error() != BmdpuError.NOT_FOUND || device == null) {
          throw e;
        }
      }
      secrets.remove(volumeId);
      return null;
    });
  }

  @Override
  public void freeze(Collection<String> volumeIds, Duration timeout) {
    int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    NativeErrors.call(() -> {
      List<Integer> slots = slots(volumeIds);
      List<Integer> frozen = new ArrayList<>();
      try {
        for (int slot : slots) {
          freezeOne(slot, ms);
          frozen.add(slot);
        }
      } catch (RuntimeException e) {
        // The ABI freezes one device per call; a partial freeze is no consistency point, so undo it.
        frozen.forEach(slot -> card.library().bmdpu_blockdev_thaw(card.handle(), slot));
        throw e;
      }
      return null;
    });
  }

  @Override
  public void thaw(Collection<String> volumeIds) {
    NativeErrors.call(() -> {
      Map<String, BlockdevInfo> devices = devices().stream()
          .collect(Collectors.toMap(d -> d.spec.serial(), Function.identity()));
      for (String id : volumeIds) {
        BlockdevInfo d = devices.get(id);
        if (d != null) {
          BmdpuErrors.check(card.library().bmdpu_blockdev_thaw(card.handle(), d.spec.slot), "blockdev_thaw");
        }
      }
      return null;
    });
  }

  private void connect(BlockDeviceConfig config) {
    NvmeofPath path = config.path();
    NvmfTarget target = new NvmfTarget(config.volumeId(), transport(path.transport()), path.address(),
        Integer.toString(path.port()), path.subsystemNqn(), path.hostNqn());
    target.flags = (path.digests().header() ? BmdpuLibrary.BMDPU_NVMF_HDGST : 0)
        | (path.digests().data() ? BmdpuLibrary.BMDPU_NVMF_DDGST : 0);
    char[] secret = path.dhchapSecret().toCharArray();
    try {
      target.secret(secret);
      BmdpuErrors.check(card.library().bmdpu_nvmf_connect(card.handle(), target), "nvmf_connect");
    } finally {
      Arrays.fill(secret, '\0');
      target.wipeSecret();
    }
  }

  private void freezeOne(int slot, int ms) {
    try {
      BmdpuErrors.check(card.library().bmdpu_blockdev_freeze(card.handle(), slot, ms), "blockdev_freeze");
    } catch (BmdpuException e) {
      if (e.error() != BmdpuError.ALREADY) {
        throw e;
      }
    }
  }

  private List<Integer> slots(Collection<String> volumeIds) {
    Map<String, BlockdevInfo> devices = devices().stream()
        .collect(Collectors.toMap(d -> d.spec.serial(), Function.identity()));
    List<Integer> slots = new ArrayList<>();
    for (String id : volumeIds) {
      BlockdevInfo d = devices.get(id);
      if (d == null) {
        throw new CardException(CardException.Reason.NOT_FOUND, "no device for volume " + id);
      }
      slots.add(d.spec.slot);
    }
    return slots;
  }

  private BlockdevInfo find(String volumeId) {
    return devices().stream().filter(d -> d.spec.serial().equals(volumeId)).findFirst().orElse(null);
  }

  private List<BlockdevInfo> devices() {
    return NativeListing.all(BlockdevInfo.class, "blockdev_list",
        (out, n) -> card.library().bmdpu_blockdev_list(card.handle(), out, n), d -> d);
  }

  /**
   * The SPI config of a device, read back from the card: the spec and its connection's target.
   * A secret the card has but this process did not set (it was set before a restart) is
   * reported empty, since the card never gives it out.
   */
  private BlockDeviceConfig config(BlockdevSpec spec, boolean hasSecret) {
    String id = spec.serial();
    NvmfTarget target = new NvmfTarget();
    BmdpuErrors.check(card.library().bmdpu_nvmf_get_target(card.handle(), spec.connId(), target),
        "nvmf_get_target");
    String secret = hasSecret ? secrets.getOrDefault(id, "") : "";
    NvmeofPath path = new NvmeofPath(target.transport == BmdpuLibrary.BMDPU_TRANSPORT_RDMA ? Transport.RDMA
        : Transport.TCP, target.address(), port(target.serviceId()), target.subsysNqn(), spec.nsid,
        target.hostNqn(), secret, digests(target.flags));
    return new BlockDeviceConfig(id, spec.type == BmdpuLibrary.BMDPU_DEV_VIRTIO_BLK ? DeviceType.VIRTIO_BLK
        : DeviceType.NVME, path, spec.size_bytes, spec.block_size, spec.num_queues,
        new QosLimits(spec.qos_iops, spec.qos_bytes_per_sec), spec.boot != 0);
  }

  /**
   * The SPI's port of an NVMe-oF service id. A service id that is not a port (another client of
   * the card may have set any string) is reported as 0, which no wanted config has.
   */
  private static int port(String serviceId) {
    try {
      int port = Integer.parseInt(serviceId);
      return port >= 0 && port <= 65535 ? port : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Digests digests(int flags) {
    return new Digests((flags & BmdpuLibrary.BMDPU_NVMF_HDGST) != 0, (flags & BmdpuLibrary.BMDPU_NVMF_DDGST) != 0);
  }

  private static PathState pathState(int raw) {
    return switch (raw) {
      case BmdpuLibrary.BMDPU_PATH_CONNECTED -> PathState.CONNECTED;
      case BmdpuLibrary.BMDPU_PATH_RECONNECTING -> PathState.RECONNECTING;
      default -> PathState.FAILED;
    };
  }

  private static int deviceType(DeviceType type) {
    return type == DeviceType.VIRTIO_BLK ? BmdpuLibrary.BMDPU_DEV_VIRTIO_BLK : BmdpuLibrary.BMDPU_DEV_NVME;
  }

  private static int transport(Transport transport) {
    return transport == Transport.RDMA ? BmdpuLibrary.BMDPU_TRANSPORT_RDMA : BmdpuLibrary.BMDPU_TRANSPORT_TCP;
  }
}
