package io.bmagent.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.bmagent.card.CardException;
import io.bmagent.domain.DomainException;
import io.bmagent.domain.FieldViolation;
import io.bmagent.store.StoreException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns domain refusals into gRPC statuses: the only place that does. */
final class Errors {

  static final String DOMAIN = "bmagent";

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
      return status(Code.UNAVAILABLE, "the card refused: " + e.getMessage(), null);
    }
    if (t instanceof StoreException e) {
      return status(Code.UNAVAILABLE, "the agent's state store failed: " + e.getMessage(), null);
    }
    if (t instanceof StatusRuntimeException e) {
      return e;
    }
    log.log(Level.SEVERE, "unexpected failure in a call", t);
    return status(Code.INTERNAL, "internal error: " + t, null);
  }

  private static StatusRuntimeException domain(DomainException e) {
    return switch (e.code()) {
      case INVALID_ARGUMENT -> {
        BadRequest.Builder br = BadRequest.newBuilder();
        for (FieldViolation v : e.violations().subList(0, Math.min(MAX_VIOLATIONS, e.violations().size()))) {
          br.addFieldViolations(BadRequest.FieldViolation.newBuilder()
              .setField(bounded(v.field(), MAX_DETAIL)).setDescription(bounded(v.description(), MAX_DETAIL)));
        }
        yield status(Code.INVALID_ARGUMENT, e.getMessage(), Any.pack(br.build()));
      }
      case FAILED_PRECONDITION -> status(Code.FAILED_PRECONDITION, e.getMessage(), e.limit()
          .map(l -> Any.pack(ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(l.name()).build())).orElse(null));
      case NOT_FOUND -> status(Code.NOT_FOUND, e.getMessage(), null);
      case ALREADY_EXISTS -> status(Code.ALREADY_EXISTS, e.getMessage(), null);
      case ABORTED -> status(Code.ABORTED, e.getMessage(), null);
      case UNAVAILABLE -> status(Code.UNAVAILABLE, e.getMessage(), null);
      case RESOURCE_EXHAUSTED -> status(Code.RESOURCE_EXHAUSTED, e.getMessage(), null);
    };
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

  private static StatusRuntimeException status(Code code, String message, Any detail) {
    com.google.rpc.Status.Builder s = com.google.rpc.Status.newBuilder().setCode(code.getNumber())
        .setMessage(bounded(message, MAX_MESSAGE));
    if (detail != null) {
      s.addDetails(detail);
    }
    return StatusProto.toStatusRuntimeException(s.build());
  }
}
