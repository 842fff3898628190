package io.bmagent.domain;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A request the domain refuses, with everything the transport needs to say why. */
public final class DomainException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  /** A full card frees room only when the control plane removes something: a retry sooner is wasted. */
  static final Duration CAPACITY_RETRY = Duration.ofSeconds(10);

  /** The class of refusal; the transport maps each to one status code. */
  public enum Code {
    INVALID_ARGUMENT,
    FAILED_PRECONDITION,
    NOT_FOUND,
    ALREADY_EXISTS,
    ABORTED,
    UNAVAILABLE,
    RESOURCE_EXHAUSTED
  }

  private final Code code;
  private final transient List<FieldViolation> violations;
  private final Limit limit;
  private final Reason reason;
  private final transient Map<String, String> metadata;
  private final transient Duration retryDelay;

  private DomainException(Code code, String message, List<FieldViolation> violations, Limit limit) {
    this(code, message, violations, limit, null, Map.of(), null);
  }

  private DomainException(Code code, String message, List<FieldViolation> violations, Limit limit, Reason reason,
      Map<String, String> metadata, Duration retryDelay) {
    super(message);
    this.code = code;
    this.violations = List.copyOf(violations);
    this.limit = limit;
    this.reason = reason;
    this.metadata = metadata;
    this.retryDelay = retryDelay;
  }

  private static DomainException because(Code code, Reason reason, String message, Duration retryDelay,
      String... keyValues) {
    Map<String, String> md = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      md.put(keyValues[i], keyValues[i + 1]);
    }
    return new DomainException(code, message, List.of(), null, reason, md, retryDelay);
  }

  public static DomainException invalid(List<FieldViolation> violations) {
    StringBuilder sb = new StringBuilder("invalid request: ");
    for (int i = 0; i < violations.size(); i++) {
      FieldViolation v = violations.get(i);
      sb.append(i == 0 ? "" : "; ").append(v.field()).append(": ").append(v.description());
    }
    return new DomainException(Code.INVALID_ARGUMENT, sb.toString(), violations, null);
  }

  public static DomainException invalid(String field, String description) {
    return invalid(List.of(new FieldViolation(field, description)));
  }

  public static DomainException limit(Limit limit, String message) {
    return new DomainException(Code.FAILED_PRECONDITION, limit + ": " + message, List.of(), limit);
  }

  /** A product limit, with metadata as key, value, key, value... */
  public static DomainException limit(Limit limit, String message, String... keyValues) {
    Map<String, String> md = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      md.put(keyValues[i], keyValues[i + 1]);
    }
    return new DomainException(Code.FAILED_PRECONDITION, limit + ": " + message, List.of(), limit, null, md, null);
  }

  /** The named resource does not exist. */
  public static DomainException notFound(ResourceKind kind, String id, String message) {
    return because(Code.NOT_FOUND, Reason.RESOURCE_NOT_FOUND, message, null, "resource_type", kind.key(),
        "resource_id", id);
  }

  /** NOT_FOUND with a reason of its own, and metadata as key, value, key, value... */
  public static DomainException notFound(Reason reason, String message, String... keyValues) {
    return because(Code.NOT_FOUND, reason, message, null, keyValues);
  }

  /** The resource exists with a different spec; the metadata names it and its current generation. */
  public static DomainException specMismatch(ResourceKind kind, String id, long generation, String message) {
    return because(Code.ALREADY_EXISTS, Reason.SPEC_MISMATCH, message, null, "resource_type", kind.key(),
        "resource_id", id, "generation", Long.toUnsignedString(generation));
  }

  /** ALREADY_EXISTS with a reason of its own, and metadata as key, value, key, value... */
  public static DomainException alreadyExists(Reason reason, String message, String... keyValues) {
    return because(Code.ALREADY_EXISTS, reason, message, null, keyValues);
  }

  public static DomainException stale(ResourceKind kind, String id, long given, long current) {
    return because(Code.ABORTED, Reason.STALE_GENERATION, kind.key() + " " + id + " has generation "
        + Long.toUnsignedString(current) + ", the request was computed from " + Long.toUnsignedString(given)
        + "; read it again", null, "resource_type", kind.key(), "resource_id", id,
        "generation", Long.toUnsignedString(current), "request_generation", Long.toUnsignedString(given));
  }

  public static DomainException unavailable(String message) {
    return new DomainException(Code.UNAVAILABLE, message, List.of(), null);
  }

  /** Capacity used up; a retry after {@code retryDelay} may find room (another call freeing some). */
  public static DomainException exhausted(Reason reason, String message, Duration retryDelay, String... keyValues) {
    return because(Code.RESOURCE_EXHAUSTED, reason, message, retryDelay, keyValues);
  }

  public Code code() {
    return code;
  }

  public List<FieldViolation> violations() {
    return violations;
  }

  public Optional<Limit> limit() {
    return Optional.ofNullable(limit);
  }

  public Optional<Reason> reason() {
    return Optional.ofNullable(reason);
  }

  /** What the reason is about (resource type and id, current generation, ...), in a stable order. */
  public Map<String, String> metadata() {
    return metadata == null ? Map.of() : metadata;
  }

  public Optional<Duration> retryDelay() {
    return Optional.ofNullable(retryDelay);
  }
}
