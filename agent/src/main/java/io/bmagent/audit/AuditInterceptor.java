package io.bmagent.audit;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Writes one line to the {@code bmagent.audit} logger for every mutating call of the v1 API when it ends: method,
 * peer, client identity (with mTLS), request id, the resource it names, status code, duration and the request with
 * secrets redacted. Reads ({@code Get*}, {@code List*}, {@code Watch*}) and the health and reflection services are not
 * audited. The status description is left out: it can quote what the client sent.
 */
public final class AuditInterceptor implements ServerInterceptor {

  public static final String LOGGER = "bmagent.audit";
  /** Enough for any spec of the API; a large mapping upsert is cut, its size is in the method and resource. */
  static final int MAX_REQUEST_CHARS = 1024;

  private static final Logger audit = Logger.getLogger(LOGGER);
  private static final Set<String> READ_PREFIXES = Set.of("Get", "List", "Watch");

  static boolean audited(String service, String method) {
    return service != null && service.startsWith("bmagent.")
        && READ_PREFIXES.stream().noneMatch(method::startsWith);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    var method = call.getMethodDescriptor();
    if (!audited(method.getServiceName(), method.getBareMethodName())) {
      return next.startCall(call, headers);
    }
    Entry entry = new Entry(call);
    ServerCall<Q, A> audited = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        entry.write(status.getCode());
        super.close(status, trailers);
      }
    };
    return new SimpleForwardingServerCallListener<>(next.startCall(audited, headers)) {
      @Override
      public void onMessage(Q message) {
        entry.request(message);
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        entry.write(Status.Code.CANCELLED);
        super.onCancel();
      }
    };
  }

  /** One call's line: written once, when the call closes or the client cancels it, whichever comes first. */
  private static final class Entry {

    private final ServerCall<?, ?> call;
    private final long start = System.nanoTime();
    private final AtomicBoolean written = new AtomicBoolean();
    private volatile Message request;

    Entry(ServerCall<?, ?> call) {
      this.call = call;
    }

    void request(Object message) {
      if (request == null && message instanceof Message m) {
        request = m;
      }
    }

    void write(Status.Code code) {
      if (written.compareAndSet(false, true)) {
        line(call, request, code, System.nanoTime() - start).log(audit, Level.INFO, "audit");
      }
    }
  }

  private static LogFields line(ServerCall<?, ?> call, Message request, Status.Code code, long nanos) {
    SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    return LogFields.of("method", call.getMethodDescriptor().getFullMethodName())
        .and("peer", peer instanceof InetSocketAddress a ? a.getHostString() + ":" + a.getPort() : peer)
        .and("principal", principal(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)))
        .and("request_id", request == null ? null : requestId(request))
        .and("resource", request == null ? null : resource(request))
        .and("code", code)
        .and("duration_ms", String.format("%.3f", nanos / 1e6))
        .and("request", request == null ? null : Redactor.toText(request, MAX_REQUEST_CHARS));
  }

  private static String principal(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      return session.getPeerPrincipal().getName();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static String requestId(Message m) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName("request_id");
    return f != null && !f.isRepeated() && m.hasField(f) ? String.valueOf(m.getField(f)) : null;
  }

  /**
   * The ids the request names: its own {@code *_id}/{@code *_ids} fields, else those of its direct sub-messages
   * ({@code spec.volume_id}, {@code security_group.security_group_id}); deeper ids are references, not the target.
   */
  static String resource(Message m) {
    String own = ids(m);
    if (own != null) {
      return own;
    }
    for (var e : m.getAllFields().entrySet()) {
      if (!e.getKey().isRepeated() && e.getValue() instanceof Message sub && !Redactor.isSecret(e.getKey())) {
        String ids = ids(sub);
        if (ids != null) {
          return ids;
        }
      }
    }
    return null;
  }

  private static String ids(Message m) {
    for (var e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (f.getJavaType() != FieldDescriptor.JavaType.STRING || f.getName().equals("request_id")
          || Redactor.isSecret(f)) {
        continue;
      }
      if (!f.isRepeated() && f.getName().endsWith("_id")) {
        return (String) e.getValue();
      }
      if (f.isRepeated() && f.getName().endsWith("_ids")) {
        List<?> values = (List<?>) e.getValue();
        return values.stream().limit(16).map(String::valueOf).collect(Collectors.joining(","))
            + (values.size() > 16 ? ",...(" + values.size() + ")" : "");
      }
    }
    return null;
  }
}
