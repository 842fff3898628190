package io.bmagent.card;

/** I/O counters of one emulated device since it was attached. */
public record BlockDeviceStats(long readOps, long writeOps, long readBytes, long writeBytes, long errors) {

  public static final BlockDeviceStats ZERO = new BlockDeviceStats(0, 0, 0, 0, 0);
}
