package io.bmagent.api;

import com.google.common.io.ByteStreams;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses requests inside the call instead of in the transport. grpc-java parses a request with the method's
 * marshaller before any handler or interceptor sees it, and answers a failure (invalid UTF-8 in a proto3 string,
 * truncated or undecodable bytes) with UNKNOWN and a SEVERE stack trace; here the call receives the bytes and a parse
 * failure is the client's mistake: INVALID_ARGUMENT naming the field or the message, by way of {@link Errors}.
 */
public final class RequestParsing {

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return ByteStreams.toByteArray(stream);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private RequestParsing() {}

  /** The same service whose protobuf requests are parsed by the call; other methods are left as they are. */
  public static ServerServiceDefinition wrap(ServerServiceDefinition def) {
    ServiceDescriptor sd = def.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : def.getMethods()) {
      methods.add(m.getMethodDescriptor().getRequestMarshaller()
          instanceof MethodDescriptor.PrototypeMarshaller<?> p && p.getMessagePrototype() instanceof Message proto
          ? parsing(m, proto) : m);
    }
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(sd.getName())
        .setSchemaDescriptor(sd.getSchemaDescriptor());
    methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(b::addMethod);
    return b.build();
  }

  private static <Q, A> ServerMethodDefinition<byte[], A> parsing(ServerMethodDefinition<Q, A> def, Message proto) {
    MethodDescriptor<Q, A> typed = def.getMethodDescriptor();
    MethodDescriptor<byte[], A> raw = typed.toBuilder(BYTES, typed.getResponseMarshaller()).build();
    ServerCallHandler<byte[], A> handler = (call, headers) -> new Parser<>(call, typed, proto,
        def.getServerCallHandler().startCall(new TypedCall<>(call, typed), headers));
    return ServerMethodDefinition.create(raw, handler);
  }

  /** Hands each request to the service once parsed; the first one that does not parse ends the call. */
  private static final class Parser<Q> extends ServerCall.Listener<byte[]> {
    private final ServerCall<byte[], ?> call;
    private final MethodDescriptor<Q, ?> typed;
    private final Message proto;
    private final ServerCall.Listener<Q> next;
    private boolean refused;

    Parser(ServerCall<byte[], ?> call, MethodDescriptor<Q, ?> typed, Message proto, ServerCall.Listener<Q> next) {
      this.call = call;
      this.typed = typed;
      this.proto = proto;
      this.next = next;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMessage(byte[] bytes) {
      if (refused) {
        return;
      }
      Q request;
      try {
        request = (Q) proto.getParserForType().parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        refused = true;
        StatusRuntimeException s = Errors.malformed(proto.getDescriptorForType(),
            MalformedFields.invalidUtf8(proto.getDescriptorForType(), bytes), e.getMessage());
        call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
        return;
      }
      next.onMessage(request);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        next.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      next.onCancel();
    }

    @Override
    public void onComplete() {
      next.onComplete();
    }

    @Override
    public void onReady() {
      if (!refused) {
        next.onReady();
      }
    }

    @Override
    public String toString() {
      return "Parser[" + typed.getFullMethodName() + "]";
    }
  }

  /** The transport's call as the service sees it: typed requests, the original method descriptor. */
  private static final class TypedCall<Q, A> extends ServerCall<Q, A> {
    private final ServerCall<byte[], A> raw;
    private final MethodDescriptor<Q, A> typed;

    TypedCall(ServerCall<byte[], A> raw, MethodDescriptor<Q, A> typed) {
      this.raw = raw;
      this.typed = typed;
    }

    @Override
    public void request(int numMessages) {
      raw.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      raw.sendHeaders(headers);
    }

    @Override
    public void sendMessage(A message) {
      raw.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      raw.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return raw.isCancelled();
    }

    @Override
    public boolean isReady() {
      return raw.isReady();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      raw.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      raw.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      raw.setOnReadyThreshold(numBytes);
    }

    @Override
    public Attributes getAttributes() {
      return raw.getAttributes();
    }

    @Override
    public String getAuthority() {
      return raw.getAuthority();
    }

    @Override
    public io.grpc.SecurityLevel getSecurityLevel() {
      return raw.getSecurityLevel();
    }

    @Override
    public MethodDescriptor<Q, A> getMethodDescriptor() {
      return typed;
    }
  }
}
