package io.bmagent.daemon.security;

import static io.bmagent.testing.TestChannels.tlsFile;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.GetInventoryRequest;
import io.bmagent.daemon.AgentConfig;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import io.bmagent.testing.TestChannels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control-plane listener with mutual TLS: only a client with a certificate from the configured CA is served. */
class ListenerTlsTest {

  @TempDir Path dir;

  private AgentFixture agent(SpkiPin pin) throws Exception {
    ServerTls tls = new ServerTls(tlsFile("server.pem"), tlsFile("server.key"), tlsFile("ca.pem"), pin);
    AgentConfig config = AgentConfig.forTests(dir);
    return new AgentFixture(config.withSecurity(config.security().withTls(tls)), new MemoryCard());
  }

  /** The status of one inventory call by {@code client} (null: no certificate); OK when served. */
  private static Status.Code call(int port, String client) throws Exception {
    try (TestChannels c = TestChannels.tls(port, client)) {
      AgentServiceGrpc.newBlockingStub(c.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
          .getInventory(GetInventoryRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  static X509Certificate cert(String name) throws Exception {
    try (InputStream in = Files.newInputStream(tlsFile(name))) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void onlyClientsWithACertificateFromTheClientCaAreServed() throws Exception {
    try (AgentFixture f = agent(null)) {
      int port = f.agent.port();
      assertEquals(Status.Code.OK, call(port, "client"));
      assertEquals(Status.Code.OK, call(port, "other-client"));
      assertEquals(Status.Code.UNAVAILABLE, call(port, null), "no client certificate");
      assertEquals(Status.Code.UNAVAILABLE, call(port, "rogue-client"), "a certificate from another CA");
      assertEquals(Status.Code.UNAVAILABLE, codeOfPlaintext(f), "plaintext");
    }
  }

  private static Status.Code codeOfPlaintext(AgentFixture f) {
    try {
      f.agentService.withDeadlineAfter(30, TimeUnit.SECONDS).getInventory(GetInventoryRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void withAPinOnlyThePinnedKeyIsServed() throws Exception {
    try (AgentFixture f = agent(SpkiPin.of(cert("client.pem")))) {
      int port = f.agent.port();
      assertEquals(Status.Code.OK, call(port, "client"));
      assertEquals(Status.Code.UNAVAILABLE, call(port, "other-client"), "same CA, another key");
    }
  }

  @Test
  void pinsParseFromHexAndBase64() throws Exception {
    SpkiPin pin = SpkiPin.of(cert("client.pem"));
    String hex = java.util.HexFormat.ofDelimiter(":").formatHex(pin.sha256());
    assertEquals(pin, SpkiPin.parse(hex));
    assertEquals(pin, SpkiPin.parse(pin.toString()));
    assertEquals(pin, SpkiPin.parse(pin.toString().substring("sha256/".length())));
  }
}
