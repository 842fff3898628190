package io.bmagent.card;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** NVMe-oF connections and the emulated block devices they back. */
public interface BlockDevices {

  /** Every device the card has, in slot order. */
  List<BlockDeviceState> list();

  /**
   * Connects the path and presents the device to the host. The card refuses while the host is on
   * ({@link CardException.Reason#BUSY}): it has no hot-plug.
   */
  void attach(BlockDeviceConfig config);

  /** Removes the device and disconnects its path; refused while the host is on. */
  void detach(String volumeId);

  /**
   * Drains in-flight I/O of the devices, flushes the remote side and holds new host I/O, all devices at one point.
   * The card thaws them by itself after {@code timeout}. Returns when the devices are frozen.
   */
  void freeze(Collection<String> volumeIds, Duration timeout);

  /** Releases held I/O; thawing a device that is not frozen is a no-op. */
  void thaw(Collection<String> volumeIds);
}
