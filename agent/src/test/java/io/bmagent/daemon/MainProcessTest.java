package io.bmagent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.GetInventoryRequest;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent as an operator starts it: its own process, the soft card, TCP and the Unix socket. */
class MainProcessTest {

  @TempDir Path dir;

  @Test
  void startsOnTheSoftCardAndAnswersHealthOverTcp() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path socket = dir.resolve("agent.sock");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--state-dir", dir.resolve("state").toString(), "--listen", "127.0.0.1:" + port,
        "--socket", socket.toString(), "--metrics-listen", "127.0.0.1:0",
        "--card-option", "underlay=127.0.0.1", "--card-option", "underlay-port=0"))
        .redirectError(dir.resolve("agent.log").toFile()).start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = out.readLine()) != null && !line.startsWith("bm-agent ")) {
        seen.append(line).append('\n');
      }
      assertTrue(line != null, "agent exited before serving:\n" + seen + Files.readString(dir.resolve("agent.log")));
      assertTrue(line.contains("with the soft card"), line);
      var health = HealthGrpc.newBlockingStub(channel).withWaitForReady().withDeadlineAfter(30, TimeUnit.SECONDS);
      assertEquals(HealthCheckResponse.ServingStatus.SERVING,
          health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
      assertEquals("soft", AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .getInventory(GetInventoryRequest.getDefaultInstance()).getDriverName());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    } finally {
      channel.shutdownNow();
      p.destroy();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
    }
  }
}
