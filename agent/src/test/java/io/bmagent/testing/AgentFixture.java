package io.bmagent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.VolumeServiceGrpc;
import io.bmagent.card.Card;
import io.bmagent.daemon.Agent;
import io.bmagent.daemon.AgentConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.function.Executable;

/** A running agent on a real TCP socket, and stubs a control plane would use. */
public final class AgentFixture implements AutoCloseable {

  public final Agent agent;
  public final ManagedChannel channel;
  public final InstanceServiceGrpc.InstanceServiceBlockingStub instances;
  public final VolumeServiceGrpc.VolumeServiceBlockingStub volumes;
  public final NetworkServiceGrpc.NetworkServiceBlockingStub network;
  public final AgentServiceGrpc.AgentServiceBlockingStub agentService;

  public AgentFixture(Path stateDir, Card card) throws Exception {
    this(AgentConfig.forTests(stateDir), card);
  }

  /** An agent with a config of the test's own, e.g. with a Unix socket, listener security or metrics. */
  public AgentFixture(AgentConfig config, Card card) throws Exception {
    agent = Agent.start(config, card);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", agent.port()).usePlaintext().build();
    // A stub's deadline is absolute; each call gets its own minute instead, so long tests don't run out of time.
    io.grpc.Channel calls = io.grpc.ClientInterceptors.intercept(channel, new io.grpc.ClientInterceptor() {
      @Override
      public <Q, R> io.grpc.ClientCall<Q, R> interceptCall(io.grpc.MethodDescriptor<Q, R> method,
          io.grpc.CallOptions options, io.grpc.Channel next) {
        boolean unary = method.getType() == io.grpc.MethodDescriptor.MethodType.UNARY;
        return next.newCall(method, unary && options.getDeadline() == null
            ? options.withDeadlineAfter(1, TimeUnit.MINUTES) : options);
      }
    });
    instances = InstanceServiceGrpc.newBlockingStub(calls);
    volumes = VolumeServiceGrpc.newBlockingStub(calls);
    network = NetworkServiceGrpc.newBlockingStub(calls);
    agentService = AgentServiceGrpc.newBlockingStub(calls);
    agent.reconciler().firstPass().get(30, TimeUnit.SECONDS);
  }

  public Instance awaitPhase(InstancePhase phase) {
    return awaitPhase(phase, 20);
  }

  /** Waits up to {@code seconds} for the phase: slow paths (a guest under emulation) get a bound of their own. */
  public Instance awaitPhase(InstancePhase phase, int seconds) {
    awaitTrue(seconds,
        () -> instances.getInstance(GetInstanceRequest.getDefaultInstance()).getStatus().getPhase() == phase,
        "instance phase " + phase);
    return instances.getInstance(GetInstanceRequest.getDefaultInstance());
  }

  /** Polls a condition the reconciler makes true on its own thread; bounded so a broken build fails, not hangs. */
  public static void awaitTrue(BooleanSupplier condition, String what) {
    awaitTrue(20, condition, what);
  }

  public static void awaitTrue(int seconds, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }

  /** Asserts FAILED_PRECONDITION with the ErrorInfo reason naming the limit. */
  public static void assertLimit(String reason, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getMessage());
    ErrorInfo info = detail(e, ErrorInfo.class);
    assertEquals("bmagent", info.getDomain());
    assertEquals(reason, info.getReason(), e.getMessage());
  }

  /** Asserts INVALID_ARGUMENT whose BadRequest names exactly these fields, and returns it. */
  public static BadRequest assertInvalid(List<String> fields, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getMessage());
    BadRequest br = detail(e, BadRequest.class);
    assertEquals(fields, br.getFieldViolationsList().stream().map(BadRequest.FieldViolation::getField).toList(),
        e.getMessage());
    return br;
  }

  public static Status.Code code(Executable call) {
    return assertThrows(StatusRuntimeException.class, call).getStatus().getCode();
  }

  private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type) {
    com.google.rpc.Status s = StatusProto.fromThrowable(e);
    for (var any : s.getDetailsList()) {
      if (any.is(type)) {
        try {
          return any.unpack(type);
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + e);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    agent.close();
  }
}
