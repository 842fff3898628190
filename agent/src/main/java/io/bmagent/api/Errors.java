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
        for (FieldViolation v : e.violations()) {
          br.addFieldViolations(BadRequest.FieldViolation.newBuilder()
              .setField(v.field()).setDescription(v.description()));
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

  private static StatusRuntimeException status(Code code, String message, Any detail) {
    com.google.rpc.Status.Builder s = com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message);
    if (detail != null) {
      s.addDetails(detail);
    }
    return StatusProto.toStatusRuntimeException(s.build());
  }
}
