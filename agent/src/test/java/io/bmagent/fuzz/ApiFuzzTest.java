package io.bmagent.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.VolumeServiceGrpc;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every RPC of the v1 API with random well-formed requests, over a real socket: the agent answers each with a
 * deliberate status (never INTERNAL or UNKNOWN, which mean an unhandled exception), within a deadline, and stays
 * SERVING. Tries: {@code jqwik.tries.default} (few by default, many in the soak profile).
 */
class ApiFuzzTest {

  private static Path dir;
  private static AgentFixture fixture;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("api-fuzz");
    fixture = new AgentFixture(dir, new MemoryCard());
  }

  @AfterContainer
  static void stop() throws IOException {
    fixture.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Property
  void everyRpcAnswersRandomRequestsCleanly(@ForAll("methods") MethodDescriptor<byte[], byte[]> method,
      @ForAll Random random) {
    var input = ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor().getInputType();
    byte[] request = new RandomMessages(random).bytes(input);
    Status status = call(method, request);
    assertNotEquals(Status.Code.INTERNAL, status.getCode(), method.getFullMethodName() + ": " + status);
    assertNotEquals(Status.Code.UNKNOWN, status.getCode(), method.getFullMethodName() + ": " + status);
    if (method.getType() == MethodDescriptor.MethodType.UNARY) {
      assertNotEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode(), method.getFullMethodName() + " hung");
    }
    assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(fixture.channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus());
  }

  /** Unary calls get 10 s; a watch reads what comes for a moment, and its deadline is how it ends. */
  private static Status call(MethodDescriptor<byte[], byte[]> method, byte[] request) {
    try {
      if (method.getType() == MethodDescriptor.MethodType.UNARY) {
        ClientCalls.blockingUnaryCall(fixture.channel, method,
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
      } else {
        Iterator<byte[]> events = ClientCalls.blockingServerStreamingCall(fixture.channel, method,
            CallOptions.DEFAULT.withDeadlineAfter(200, TimeUnit.MILLISECONDS), request);
        while (events.hasNext()) {
          events.next();
        }
      }
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  @Provide
  Arbitrary<MethodDescriptor<byte[], byte[]>> methods() {
    List<MethodDescriptor<byte[], byte[]>> all = new ArrayList<>();
    for (ServiceDescriptor s : List.of(InstanceServiceGrpc.getServiceDescriptor(),
        VolumeServiceGrpc.getServiceDescriptor(), NetworkServiceGrpc.getServiceDescriptor(),
        AgentServiceGrpc.getServiceDescriptor())) {
      for (MethodDescriptor<?, ?> m : s.getMethods()) {
        all.add(m.toBuilder(RAW, RAW).build());
      }
    }
    return Arbitraries.of(all);
  }

  /** Requests go as bytes, so they may carry what the generated classes cannot express, such as unknown fields. */
  private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
}
