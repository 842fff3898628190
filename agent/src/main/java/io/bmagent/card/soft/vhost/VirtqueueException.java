package io.bmagent.card.soft.vhost;

/**
 * The driver broke the virtqueue's rules (an address outside its memory, a descriptor loop). virtio 1.1, 2.1:
 * the device then sets DEVICE_NEEDS_RESET; a vhost-user back-end stops the ring and says so on its error fd.
 */
public final class VirtqueueException extends RuntimeException {
  public VirtqueueException(String message) {
    super(message);
  }
}
