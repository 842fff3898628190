package io.bmagent.domain;

/**
 * Machine-readable reasons of refusals other than product limits ({@link Limit}); each name is the
 * {@code google.rpc.ErrorInfo} reason a client can switch on.
 */
public enum Reason {
  /** NOT_FOUND: the named resource does not exist. */
  RESOURCE_NOT_FOUND,
  /** NOT_FOUND: the request names an instance other than the one this card serves. */
  INSTANCE_NOT_SERVED,
  /** ALREADY_EXISTS: a resource with this id exists with a different spec. */
  SPEC_MISMATCH,
  /** ALREADY_EXISTS: the card already serves another instance (one host per card). */
  INSTANCE_ALREADY_SERVED,
  /** ALREADY_EXISTS: the NIC has another elastic IP; pass its generation to replace it, or disassociate first. */
  ELASTIC_IP_ASSOCIATED,
  /** ALREADY_EXISTS: a request id was used before for a different request. */
  REQUEST_ID_REUSED,
  /** ABORTED: the request was computed from an older generation than the stored one. */
  STALE_GENERATION,
  /** RESOURCE_EXHAUSTED: the card's capacity for this kind of resource is used up. */
  CAPACITY,
  /** RESOURCE_EXHAUSTED: the agent's state disk is full. */
  STATE_DISK_FULL
}
