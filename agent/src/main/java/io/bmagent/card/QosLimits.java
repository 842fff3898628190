package io.bmagent.card;

/** Per-device QoS limits; zero means unlimited. */
public record QosLimits(long iops, long bytesPerSecond) {

  public static final QosLimits UNLIMITED = new QosLimits(0, 0);
}
