package io.bmagent.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import io.bmagent.daemon.Main;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent as its own process on the soft card, as systemd runs it, so that a test can kill it with SIGKILL
 * ({@link Process#destroyForcibly()} on Linux) and start it again on the same state directory.
 */
public final class ChildAgent implements AutoCloseable {

  private final Process process;
  private final Path log;
  public final ManagedChannel channel;

  private ChildAgent(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  /** Starts an agent on {@code stateDir} and returns once its health is SERVING (its first reconcile pass ran). */
  static ChildAgent start(Path stateDir, Path log) throws IOException, InterruptedException {
    return start(stateDir, log, Map.of());
  }

  /** As {@link #start(Path, Path)} with more soft card options (a QEMU host, vhost-user sockets). */
  public static ChildAgent start(Path stateDir, Path log, Map<String, String> cardOptions)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // C1 and the serial collector start the JVM fastest on the shared 2-core machines, so kill cycles stay cheap.
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--card=soft",
        "--state-dir", stateDir.toString(), "--listen", "127.0.0.1:" + port, "--metrics-listen", "127.0.0.1:0",
        "--card-option", "underlay=127.0.0.1", "--card-option", "underlay-port=0"));
    cardOptions.forEach((k, v) -> cmd.addAll(List.of("--card-option", k + "=" + v)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    ChildAgent agent = new ChildAgent(p, log, port);
    try {
      agent.awaitServing();
    } catch (AssertionError | InterruptedException | RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  private void awaitServing() throws InterruptedException {
    var health = HealthGrpc.newBlockingStub(channel);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("agent exited with " + process.exitValue() + " before serving:\n" + tail());
      }
      try {
        if (health.withWaitForReady().withDeadlineAfter(2, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING) {
          return;
        }
      } catch (StatusRuntimeException e) {
        // Not listening yet: the JVM is still starting.
      }
      Thread.sleep(20);
    }
    fail("agent not SERVING within 60 s:\n" + tail());
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      fail("agent survived SIGKILL");
    }
  }

  /** SIGTERM, as systemd stops the service: the agent shuts down cleanly. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      fail("agent did not stop within 60 s of SIGTERM:\n" + tail());
    }
  }

  /** The end of the agent's log, for failure messages. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    process.destroyForcibly();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
