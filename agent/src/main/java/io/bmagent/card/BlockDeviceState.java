package io.bmagent.card;

/** What the card reports about one emulated block device. */
public record BlockDeviceState(
    BlockDeviceConfig config, int slot, PathState pathState, boolean frozen, BlockDeviceStats stats) {

  public String volumeId() {
    return config.volumeId();
  }
}
