package io.bmagent.domain;

import java.util.List;
import java.util.Optional;

/** A request the domain refuses, with everything the transport needs to say why. */
public final class DomainException extends RuntimeException {

  private static final long serialVersionUID = 1L;

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

  private DomainException(Code code, String message, List<FieldViolation> violations, Limit limit) {
    super(message);
    this.code = code;
    this.violations = List.copyOf(violations);
    this.limit = limit;
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

  public static DomainException notFound(String message) {
    return new DomainException(Code.NOT_FOUND, message, List.of(), null);
  }

  public static DomainException alreadyExists(String message) {
    return new DomainException(Code.ALREADY_EXISTS, message, List.of(), null);
  }

  public static DomainException stale(String what, long given, long current) {
    return new DomainException(Code.ABORTED,
        what + " has generation " + current + ", the request was computed from " + given + "; read it again",
        List.of(), null);
  }

  public static DomainException unavailable(String message) {
    return new DomainException(Code.UNAVAILABLE, message, List.of(), null);
  }

  public static DomainException exhausted(String message) {
    return new DomainException(Code.RESOURCE_EXHAUSTED, message, List.of(), null);
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
}
