package io.bmagent.api;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.util.Durations;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.bmagent.card.CardException;
import io.bmagent.domain.DomainException;
import io.bmagent.domain.FieldViolation;
import io.bmagent.store.StoreException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns refusals into gRPC statuses: the only place that does. */
public final class Errors {

  static final String DOMAIN = "bmagent";
  /** ErrorInfo reason of the per-peer rate limit. */
  static final String RATE_LIMITED = "RATE_LIMITED";
  /** ErrorInfo reason of an event stream ended because its client fell too far behind. */
  static final String CLIENT_TOO_SLOW = "CLIENT_TOO_SLOW";
  /** ErrorInfo reason of a request that is not a valid encoding of its message. */
  static final String MALFORMED_REQUEST = "MALFORMED_REQUEST";

  /*
   * A refusal travels in HTTP/2 trailers (grpc-message and grpc-status-details-bin), and clients drop a response
   * whose headers exceed 8 KiB by default, turning it into INTERNAL. Messages quote what the client sent, which may
   * be a megabyte-long or binary string, so the text is cut and reduced to printable ASCII: at most about 6 KiB.
   */
  private static final int MAX_MESSAGE = 512;
  private static final int MAX_DETAIL = 128;
  private static final int MAX_VIOLATIONS = 10;
  private static final Logger log = Logger.getLogger(Errors.class.getName());

  private Errors() {}

  /** Runs a unary call and answers with its result or its refusal. */
  static <T> void unary(StreamObserver<T> out, Supplier<T> call) {
    T reply;
    try {
      reply = call.get();
    } catch (RuntimeException e) {
      out.onError(toStatus(e));
      return;
    }
    out.onNext(reply);
    out.onCompleted();
  }

  static StatusRuntimeException toStatus(Throwable t) {
    if (t instanceof DomainException e) {
      return domain(e);
    }
    if (t instanceof CardException e) {
      return status(Code.UNAVAILABLE, "the card refused: " + e.getMessage(), List.of());
    }
    if (t instanceof StoreException e) {
      return status(Code.UNAVAILABLE, "the agent's state store failed: " + e.getMessage(), List.of());
    }
    if (t instanceof StatusRuntimeException e) {
      return e;
    }
    log.log(Level.SEVERE, "unexpected failure in a call", t);
    return status(Code.INTERNAL, "internal error: " + t, List.of());
  }

  private static StatusRuntimeException domain(DomainException e) {
    List<Any> details = new ArrayList<>();
    switch (e.code()) {
      case INVALID_ARGUMENT -> {
        BadRequest.Builder br = BadRequest.newBuilder();
        for (FieldViolation v : e.violations().subList(0, Math.min(MAX_VIOLATIONS, e.violations().size()))) {
          br.addFieldViolations(BadRequest.FieldViolation.newBuilder()
              .setField(bounded(v.field(), MAX_DETAIL)).setDescription(bounded(v.description(), MAX_DETAIL)));
        }
        details.add(Any.pack(br.build()));
      }
      default -> {
        Optional<String> reason = e.limit().map(Enum::name).or(() -> e.reason().map(Enum::name));
        reason.ifPresent(r -> details.add(errorInfo(r, e.metadata())));
      }
    }
    e.retryDelay().ifPresent(d -> details.add(retryInfo(d)));
    return status(code(e.code()), e.getMessage(), details);
  }

  private static Code code(DomainException.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
      case FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
      case NOT_FOUND -> Code.NOT_FOUND;
      case ALREADY_EXISTS -> Code.ALREADY_EXISTS;
      case ABORTED -> Code.ABORTED;
      case UNAVAILABLE -> Code.UNAVAILABLE;
      case RESOURCE_EXHAUSTED -> Code.RESOURCE_EXHAUSTED;
    };
  }

  /**
   * A request that protobuf could not parse: INVALID_ARGUMENT naming the field whose bytes are not UTF-8, or the
   * message when the bytes are not an encoding of it at all. The client's mistake, so nothing is logged.
   */
  static StatusRuntimeException malformed(Descriptor type, Optional<String> field, String cause) {
    String message = field.map(f -> "invalid request: " + f + ": is not valid UTF-8 (proto3 strings must be)")
        .orElse("invalid request: not a valid encoding of " + type.getFullName() + ": " + cause);
    BadRequest.Builder br = BadRequest.newBuilder();
    field.ifPresent(f -> br.addFieldViolations(BadRequest.FieldViolation.newBuilder()
        .setField(bounded(f, MAX_DETAIL)).setDescription("is not valid UTF-8")));
    return status(Code.INVALID_ARGUMENT, message, List.of(Any.pack(br.build()),
        errorInfo(MALFORMED_REQUEST, Map.of("message", type.getFullName()))));
  }

  /** A peer beyond its call rate; it may retry after {@code retryDelay} (one token's worth). */
  public static StatusRuntimeException rateLimited(String peer, String message, Duration retryDelay) {
    return status(Code.RESOURCE_EXHAUSTED, message,
        List.of(errorInfo(RATE_LIMITED, Map.of("peer", peer)), retryInfo(retryDelay)));
  }

  /** An event stream whose client fell too far behind; it resumes from {@code resumeToken}. */
  static StatusRuntimeException clientTooSlow(int pending, String resumeToken) {
    return status(Code.RESOURCE_EXHAUSTED, "client too slow: " + pending + " events waiting; resume from "
        + resumeToken, List.of(errorInfo(CLIENT_TOO_SLOW, Map.of("resume_token", resumeToken))));
  }

  private static Any errorInfo(String reason, Map<String, String> metadata) {
    ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason);
    metadata.forEach((k, v) -> info.putMetadata(k, bounded(v, MAX_DETAIL)));
    return Any.pack(info.build());
  }

  private static Any retryInfo(Duration delay) {
    return Any.pack(RetryInfo.newBuilder().setRetryDelay(Durations.fromMillis(Math.max(1, delay.toMillis())))
        .build());
  }

  /** Printable ASCII only, at most {@code max} characters plus a marker when cut. */
  static String bounded(String text, int max) {
    StringBuilder b = new StringBuilder(Math.min(text.length(), max) + 16);
    for (int i = 0; i < text.length() && b.length() < max; i++) {
      char c = text.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return text.length() > max ? b.append("...(cut)").toString() : b.toString();
  }

  private static StatusRuntimeException status(Code code, String message, List<Any> details) {
    com.google.rpc.Status.Builder s = com.google.rpc.Status.newBuilder().setCode(code.getNumber())
        .setMessage(bounded(message, MAX_MESSAGE)).addAllDetails(details);
    return StatusProto.toStatusRuntimeException(s.build());
  }
}
