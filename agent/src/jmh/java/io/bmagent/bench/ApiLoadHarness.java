package io.bmagent.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.ListSecurityGroupsRequest;
import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Unary latency and throughput of the agent's API over loopback: the agent on the soft card in its own JVM, the
 * clients in this one, sharing the machine's cores. Latency is measured open-loop at a fixed rate from each call's intended start, so a
 * stall counts against every call it delays (no coordinated omission). Goals: p99 under 1 ms at 1,000 calls/s;
 * 15,000 calls/s per core.
 *
 * <p>{@code mvn -B -Pbench -pl proto,native,agent verify -DskipTests} runs it after the JMH benchmarks.
 */
public final class ApiLoadHarness {

  private static final int SECONDS = Integer.getInteger("bench.api.seconds", 10);
  private static final int RUNS = Integer.getInteger("bench.api.runs", 3);
  /**
   * Whole rounds run and thrown away first, as JMH's warm-up iterations are: both JVMs compile the paths each
   * measurement takes (the write path, the open-loop client) only once it has run them, and a deployed agent serves
   * for weeks from compiled code.
   */
  private static final int WARMUPS = Integer.getInteger("bench.api.warmups", 1);
  /** The JVM options systemd/bm-agent.env deploys the agent with. */
  private static final String AGENT_JAVA_OPTS = System.getProperty("bench.api.agent-java-opts",
      "-Xms64m -Xmx256m -XX:+ExitOnOutOfMemoryError");
  private static final AtomicReference<Throwable> FAILURE = new AtomicReference<>();

  private record Rate(double perSecond, double perCpuSecond) {}

  private ApiLoadHarness() {}

  public static void main(String[] args) throws Exception {
    Results results = new Results("api");
    Path dir = Files.createTempDirectory("bm-agent-bench");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    // The agent in its own JVM, as deployed, so that its CPU time is measured apart from the client's; without the
    // metrics endpoint, whose fixed port another agent on the machine may hold, and without the per-peer rate limit
    // (200 calls/s by default), which would refuse the load itself.
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(AGENT_JAVA_OPTS.trim().split("\\s+")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.bmagent.daemon.Main", "--card=soft",
        "--state-dir", dir.resolve("state").toString(), "--listen", "127.0.0.1:" + port,
        "--card-option", "underlay=127.0.0.1", "--card-option", "underlay-port=0", "--metrics-listen", "off",
        "--rate-limit", "off"));
    Process agent = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("agent.log").toFile()).start();
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(ch).withWaitForReady();
      while (health.withDeadlineAfter(60, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
          .getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
        Thread.sleep(50);
      }
      NetworkServiceGrpc.NetworkServiceFutureStub net = NetworkServiceGrpc.newFutureStub(ch);
      AtomicLong ports = new AtomicLong();
      for (int i = 0; i < 8; i++) {
        net.putSecurityGroup(put(i, i + 1)).get();
      }
      Supplier<ListenableFuture<?>> read = () -> net.listSecurityGroups(ListSecurityGroupsRequest.getDefaultInstance());
      Supplier<ListenableFuture<?>> write = () -> net.putSecurityGroup(put(0, (int) (ports.incrementAndGet() % 60_000) + 1));

      closedLoop(read, 32, 10);
      System.out.println("machine: " + Machine.describe());
      List<Double> readP50 = new ArrayList<>();
      List<Double> readP99 = new ArrayList<>();
      List<Double> writeP50 = new ArrayList<>();
      List<Double> writeP99 = new ArrayList<>();
      List<Double> reads = new ArrayList<>();
      List<Double> readsPerCpu = new ArrayList<>();
      List<Double> writes = new ArrayList<>();
      for (int r = -WARMUPS; r < RUNS; r++) {
        String round = r < 0 ? "warm-up: " : "run " + (r + 1) + ": ";
        Histogram hr = report(round + "ListSecurityGroups (read) at 1,000/s", openLoop(read, 1000, SECONDS));
        Histogram hw = report(round + "PutSecurityGroup (write, fsync) at 100/s", openLoop(write, 100, SECONDS));
        Rate rate = throughput(round + "ListSecurityGroups", read, 32, agent);
        double written = throughput(round + "PutSecurityGroup (fsync each)", write, 8, agent).perSecond();
        if (r < 0) {
          continue;
        }
        readP50.add(ms(hr.getValueAtPercentile(50)));
        readP99.add(ms(hr.getValueAtPercentile(99)));
        writeP50.add(ms(hw.getValueAtPercentile(50)));
        writeP99.add(ms(hw.getValueAtPercentile(99)));
        reads.add(rate.perSecond());
        readsPerCpu.add(rate.perCpuSecond());
        writes.add(written);
      }
      String open = "open loop, " + SECONDS + " s a run after " + WARMUPS + " warm-up round(s), latency from each"
          + " call's intended start";
      results.add("`ListSecurityGroups` at 1,000 calls/s: p50", "ms", "", readP50, open)
          .add("`ListSecurityGroups` at 1,000 calls/s: p99", "ms", "< 1", readP99, open)
          .add("`PutSecurityGroup` (one fsync each) at 100 calls/s: p50", "ms", "", writeP50, open)
          .add("`PutSecurityGroup` (one fsync each) at 100 calls/s: p99", "ms", "", writeP99, open)
          .add("reads, 32 in flight", "calls/s", "", reads, "wall clock, agent and client share the cores")
          .add("reads, 32 in flight, per agent CPU-second", "calls/s", ">= 15000", readsPerCpu,
              "calls per second of the agent process's CPU time: calls per core")
          .add("writes, 8 in flight", "calls/s", "", writes, "each a durable write (SQLite fsync)")
          .write();
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      agent.destroy();
      agent.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /**
   * Calls per second of wall time, and per CPU-second the agent's process used: on a shared machine the second is
   * the figure that does not depend on the neighbours, and it is what "calls per core" means.
   */
  private static Rate throughput(String what, Supplier<ListenableFuture<?>> call, int inFlight, Process agent)
      throws InterruptedException {
    long cpuBefore = cpuNanos(agent);
    long wallBefore = System.nanoTime();
    double perSecond = closedLoop(call, inFlight, SECONDS);
    double cpuSeconds = (cpuNanos(agent) - cpuBefore) / 1e9;
    double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;
    System.out.printf("throughput, %s, %d in flight: %.0f calls/s; %.0f calls per agent CPU-second (agent busy"
        + " %.2f cores)%n", what, inFlight, perSecond, perSecond * wallSeconds / cpuSeconds, cpuSeconds / wallSeconds);
    return new Rate(perSecond, perSecond * wallSeconds / cpuSeconds);
  }

  private static long cpuNanos(Process p) {
    return p.toHandle().info().totalCpuDuration().orElseThrow().toNanos();
  }

  /** Starts one call every 1/rate seconds whatever the previous did; latency counts from the intended start. */
  private static Histogram openLoop(Supplier<ListenableFuture<?>> call, int rate, int seconds)
      throws InterruptedException {
    ConcurrentHistogram h = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    int total = rate * seconds;
    CountDownLatch done = new CountDownLatch(total);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long intended = start + i * interval;
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      Futures.addCallback(call.get(), new FutureCallback<Object>() {
        @Override
        public void onSuccess(Object result) {
          h.recordValue(System.nanoTime() - intended);
          done.countDown();
        }

        @Override
        public void onFailure(Throwable t) {
          fail(t, done);
        }
      }, MoreExecutors.directExecutor());
    }
    done.await(60, TimeUnit.SECONDS);
    rethrow();
    return h;
  }

  /** Keeps {@code inFlight} calls outstanding for the duration; returns completed calls per second. */
  private static double closedLoop(Supplier<ListenableFuture<?>> call, int inFlight, int seconds)
      throws InterruptedException {
    AtomicLong completed = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch stopped = new CountDownLatch(inFlight);
    long start = System.nanoTime();
    for (int i = 0; i < inFlight; i++) {
      chain(call, completed, end, stopped);
    }
    stopped.await(seconds + 60L, TimeUnit.SECONDS);
    rethrow();
    return completed.get() * 1e9 / (System.nanoTime() - start);
  }

  private static void chain(Supplier<ListenableFuture<?>> call, AtomicLong completed, long end, CountDownLatch stopped) {
    Futures.addCallback(call.get(), new FutureCallback<Object>() {
      @Override
      public void onSuccess(Object result) {
        completed.incrementAndGet();
        if (System.nanoTime() < end) {
          chain(call, completed, end, stopped);
        } else {
          stopped.countDown();
        }
      }

      @Override
      public void onFailure(Throwable t) {
        fail(t, stopped);
      }
    }, MoreExecutors.directExecutor());
  }

  /**
   * A failed call ends the measurement at once: thrown on a gRPC thread it would only be logged, and the harness
   * would wait out its timeout and report the calls that did succeed.
   */
  private static void fail(Throwable t, CountDownLatch latch) {
    FAILURE.compareAndSet(null, t);
    while (latch.getCount() > 0) {
      latch.countDown();
    }
  }

  private static void rethrow() {
    if (FAILURE.get() != null) {
      throw new IllegalStateException("a call failed during the benchmark", FAILURE.get());
    }
  }

  private static Histogram report(String what, Histogram h) {
    System.out.printf("%s: %d calls, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n", what,
        h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
    return h;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static PutSecurityGroupRequest put(int group, int port) {
    return PutSecurityGroupRequest.newBuilder().setSecurityGroup(SecurityGroup.newBuilder()
        .setSecurityGroupId("sg-" + group).addRules(SecurityGroupRule.newBuilder()
            .setDirection(Direction.DIRECTION_INGRESS).setProtocol(Protocol.PROTOCOL_TCP)
            .setPorts(PortRange.newBuilder().setFrom(port).setTo(port)).setRemoteCidr("10.0.0.0/8"))).build();
  }
}
