package io.bmagent.card;

/** The kind of block device the card emulates on the host's PCIe. */
public enum DeviceType {
  NVME,
  VIRTIO_BLK
}
