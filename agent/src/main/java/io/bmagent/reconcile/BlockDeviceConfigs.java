package io.bmagent.reconcile;

import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.CardInfo;
import io.bmagent.card.DeviceType;
import io.bmagent.card.Digests;
import io.bmagent.card.NvmeofPath;
import io.bmagent.card.QosLimits;
import io.bmagent.card.Transport;

/** Turns a volume's spec into the card's device configuration. */
final class BlockDeviceConfigs {

  static final int DEFAULT_QUEUES = 4;

  private BlockDeviceConfigs() {}

  static BlockDeviceConfig of(VolumeSpec s, CardInfo card, String defaultHostNqn) {
    NvmeofTarget t = s.getTarget();
    NvmeofPath path = new NvmeofPath(
        t.getTransport() == io.bmagent.api.v1.Transport.TRANSPORT_RDMA ? Transport.RDMA : Transport.TCP,
        t.getAddress(), Integer.parseInt(t.getServiceId()), t.getSubsystemNqn(), t.getNamespaceId(),
        t.getHostNqn().isEmpty() ? defaultHostNqn : t.getHostNqn(), t.getDhchapSecret(),
        new Digests(t.getHeaderDigest(), t.getDataDigest()));
    return new BlockDeviceConfig(
        s.getVolumeId(),
        s.getDeviceType() == io.bmagent.api.v1.DeviceType.DEVICE_TYPE_VIRTIO_BLK ? DeviceType.VIRTIO_BLK
            : DeviceType.NVME,
        path,
        s.getSizeBytes(),
        s.getBlockSize(),
        Math.min(DEFAULT_QUEUES, Math.max(1, card.limits().maxQueuesPerVolume())),
        new QosLimits(s.getQos().getIops(), s.getQos().getBytesPerSecond()),
        s.getRole() == VolumeRole.VOLUME_ROLE_BOOT);
  }
}
