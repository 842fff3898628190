package io.bmagent.card;

/**
 * What the card reports about one emulated block device. {@code digests} are those in effect on its connections to
 * the target, as negotiated; {@link Digests#NONE} while not connected.
 */
public record BlockDeviceState(
    BlockDeviceConfig config, int slot, PathState pathState, boolean frozen, BlockDeviceStats stats,
    Digests digests) {

  public String volumeId() {
    return config.volumeId();
  }
}
