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
    boolean boot) {}
