package io.bmagent.card.soft;

import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.BlockDeviceState;
import io.bmagent.card.BlockDevices;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** The soft card's devices, each attach and detach kept in the journal once the card has done it. */
final class JournaledDevices implements BlockDevices {

  private final BlockDevices devices;
  private final DeviceJournal journal;

  JournaledDevices(BlockDevices devices, DeviceJournal journal) {
    this.devices = devices;
    this.journal = journal;
  }

  @Override
  public List<BlockDeviceState> list() {
    return devices.list();
  }

  @Override
  public synchronized void attach(BlockDeviceConfig config) {
    devices.attach(config);
    int slot = devices.list().stream().filter(d -> d.volumeId().equals(config.volumeId()))
        .mapToInt(BlockDeviceState::slot).findFirst().orElse(0);
    journal.put(config, slot);
  }

  @Override
  public synchronized void detach(String volumeId) {
    devices.detach(volumeId);
    journal.remove(volumeId);
  }

  @Override
  public void freeze(Collection<String> volumeIds, Duration timeout) {
    devices.freeze(volumeIds, timeout);
  }

  @Override
  public void thaw(Collection<String> volumeIds) {
    devices.thaw(volumeIds);
  }
}
