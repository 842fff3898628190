package io.bmagent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.Image;
import io.bmagent.api.v1.ImageKind;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.testing.Specs;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's process started with an operator's image policy: the images it adds are accepted through the API. */
class ImagePolicyProcessTest {

  @TempDir Path dir;

  @Test
  void anImageTheFileAddsIsAcceptedAndOneItLeavesOutIsRefusedNamingTheFile() throws Exception {
    Path policy = Files.writeString(dir.resolve("images.json"), """
        {"images": [{"os_family": "Debian", "os_version": "12", "official_image_ids": ["img-debian-12"]}]}
        """);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--state-dir", dir.resolve("state").toString(), "--listen", "127.0.0.1:" + port, "--metrics-listen", "off",
        "--image-policy", policy.toString(),
        "--card-option", "underlay=127.0.0.1", "--card-option", "underlay-port=0"))
        .redirectError(dir.resolve("agent.log").toFile()).start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("bm-agent ")) {
        continue;
      }
      assertTrue(line != null, "agent exited before serving:\n" + Files.readString(dir.resolve("agent.log")));
      var instances = InstanceServiceGrpc.newBlockingStub(channel);
      Image centos = Specs.centos("7.6");
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> instances
          .withDeadlineAfter(30, TimeUnit.SECONDS).provisionInstance(provision(centos)));
      assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
      assertTrue(refused.getMessage().contains("IMAGE_NOT_SUPPORTED") && refused.getMessage()
          .contains("no rule of the image policy " + policy + " allows it"), refused.getMessage());

      Image debian = Image.newBuilder().setImageId("img-debian-12").setKind(ImageKind.IMAGE_KIND_OFFICIAL)
          .setOsFamily("Debian").setOsVersion("12").build();
      Instance accepted = instances.withDeadlineAfter(30, TimeUnit.SECONDS).provisionInstance(provision(debian));
      assertEquals(debian, accepted.getSpec().getImage());
      assertTrue(Files.readString(dir.resolve("agent.log")).contains("the image policy " + policy + ": 1 rules"));
    } finally {
      channel.shutdownNow();
      p.destroy();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
    }
  }

  private static ProvisionInstanceRequest provision(Image image) {
    return Specs.provision(false).toBuilder().setSpec(Specs.instance().toBuilder().setImage(image)).build();
  }
}
