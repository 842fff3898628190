package io.bmagent.domain;

/** An accepted change of the desired state, as published to the reconciler and the event stream. */
public record SpecChange(ResourceKind kind, String id, Type type) {

  /** What happened to the resource's spec. */
  public enum Type { CREATED, UPDATED, DELETED }
}
