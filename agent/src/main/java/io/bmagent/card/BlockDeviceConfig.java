package io.bmagent.card;

/**
 * An emulated block device and the NVMe-oF path behind it. The volume id is the device's identity on the card and the
 * serial number the host sees.
 */
public record BlockDeviceConfig(
    String volumeId,
    DeviceType deviceType,
    NvmeofPath path,
    long sizeBytes,
    int blockSize,
    int queues,
    QosLimits qos,
    boolean boot) {

  /**
   * The configuration as a card reports it back: a card never returns the DH-HMAC-CHAP secret, so configurations
   * are compared without it, and a new secret takes effect when the device is next attached.
   */
  public BlockDeviceConfig withoutSecret() {
    if (path.dhchapSecret().isEmpty()) {
      return this;
    }
    NvmeofPath p = new NvmeofPath(path.transport(), path.address(), path.port(), path.subsystemNqn(),
        path.namespaceId(), path.hostNqn(), "", path.digests());
    return new BlockDeviceConfig(volumeId, deviceType, p, sizeBytes, blockSize, queues, qos, boot);
  }
}
