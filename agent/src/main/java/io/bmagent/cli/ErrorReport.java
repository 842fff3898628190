package io.bmagent.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;

/** One line per refused call, naming what an operator needs to fix: the bad fields, or the limit hit. */
final class ErrorReport {

  private ErrorReport() {}

  static String line(StatusRuntimeException e, String endpoint) {
    StringBuilder b = new StringBuilder("error: ").append(e.getStatus().getCode());
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    List<String> fields = new ArrayList<>();
    for (Any detail : status == null ? List.<Any>of() : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        b.append(" [").append(unpack(detail, ErrorInfo.class).getReason()).append(']');
      } else if (detail.is(BadRequest.class)) {
        for (BadRequest.FieldViolation v : unpack(detail, BadRequest.class).getFieldViolationsList()) {
          fields.add("field " + v.getField() + ": " + v.getDescription());
        }
      }
    }
    // The agent's message repeats the violations in prose; the structured list is the one worth a script's grep.
    String description = e.getStatus().getDescription();
    if (!fields.isEmpty()) {
      b.append(": ").append(String.join("; ", fields));
    } else if (description != null && !description.isBlank()) {
      b.append(": ").append(description.strip().replace('\n', ' '));
    }
    if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
      b.append(" (agent at ").append(endpoint).append(')');
    }
    return b.toString();
  }

  private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("malformed " + type.getSimpleName() + " in an error", e);
    }
  }
}
