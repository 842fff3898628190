package io.bmagent.net;

/** The direction of traffic as seen from the host. */
public enum Direction {
  /** Towards the host. */
  INGRESS,
  /** From the host. */
  EGRESS
}
