package io.bmagent.card.soft.storage;

/** How the device is presented to the host. */
public enum DeviceType {
    NVME,
    VIRTIO_BLK
}
