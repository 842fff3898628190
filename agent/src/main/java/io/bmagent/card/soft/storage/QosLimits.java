package io.bmagent.card.soft.storage;

/**
 * Limits for one device; 0 means unlimited. Bursts default to a tenth of a second's worth, which
 * smooths the flow without letting an idle device accumulate a large spike.
 */
public record QosLimits(long iops, long bytesPerSecond, long iopsBurst, long bytesBurst) {
  public static final QosLimits UNLIMITED = new QosLimits(0, 0, 0, 0);

  public static QosLimits of(long iops, long bytesPerSecond) {
    return new QosLimits(iops, bytesPerSecond, Math.max(1, iops / 10), Math.max(4096, bytesPerSecond / 10));
  }

  public boolean unlimited() {
    return iops <= 0 && bytesPerSecond <= 0;
  }
}
