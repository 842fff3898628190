package io.bmagent.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Times every call by service, method and status code into {@code bmagent_grpc_server_requests_seconds}: its
 * {@code _count} is the per-RPC count, the {@code code} label separates errors, its buckets give latency quantiles.
 * A call the client cancels never reaches {@code close}, so it is recorded as {@code CANCELLED} when the listener
 * hears of it.
 */
final class GrpcServerMetrics implements ServerInterceptor {

  static final String REQUESTS = "bmagent.grpc.server.requests";

  private final MeterRegistry registry;
  /**
   * Timers by full method name and status code: building a meter id per call (tags sorted, the registry searched)
   * costs more than many reads it would time.
   */
  private final ConcurrentMap<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

  GrpcServerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    MethodDescriptor<Q, A> method = call.getMethodDescriptor();
    long start = System.nanoTime();
    AtomicBoolean recorded = new AtomicBoolean();
    Runnable cancelled = () -> record(method, Status.Code.CANCELLED, start, recorded);
    ServerCall<Q, A> timed = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        record(method, status.getCode(), start, recorded);
        super.close(status, trailers);
      }
    };
    return new SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
      @Override
      public void onCancel() {
        cancelled.run();
        super.onCancel();
      }
    };
  }

  private void record(MethodDescriptor<?, ?> method, Status.Code code, long start, AtomicBoolean recorded) {
    if (!recorded.compareAndSet(false, true)) {
      return;
    }
    AtomicReferenceArray<Timer> byCode = timers.computeIfAbsent(method.getFullMethodName(),
        m -> new AtomicReferenceArray<>(Status.Code.values().length));
    Timer timer = byCode.get(code.ordinal());
    if (timer == null) {
      timer = Timer.builder(REQUESTS)
          .description("gRPC calls served, by method and status code")
          .tag("service", String.valueOf(method.getServiceName()))
          .tag("method", String.valueOf(method.getBareMethodName()))
          .tag("code", code.name())
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1))
          .maximumExpectedValue(Duration.ofSeconds(30))
          .register(registry);
      byCode.set(code.ordinal(), timer);
    }
    timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }
}
