package io.bmagent.reconcile;

/**
 * What a pass reconciles, in the order a pass runs them: the host is powered down before devices change, devices and
 * the network are in place before the host is powered up.
 */
enum Target {
  HOST_DOWN,
  STORAGE,
  NETWORK,
  POLICY,
  MAPPINGS,
  HOST_UP
}
