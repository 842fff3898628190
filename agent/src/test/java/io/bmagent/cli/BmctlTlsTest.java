package io.bmagent.cli;

import static io.bmagent.testing.TestChannels.tlsFile;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.daemon.AgentConfig;
import io.bmagent.daemon.security.ServerTls;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.MemoryCard;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bmctl over TCP to an agent that requires mutual TLS, as an operator off the card would reach it. */
class BmctlTlsTest {

  @TempDir Path dir;

  @Test
  void aClientCertificateFromTheAgentsClientCaGetsIn() throws Exception {
    AgentConfig config = AgentConfig.forTests(dir);
    ServerTls tls = new ServerTls(tlsFile("server.pem"), tlsFile("server.key"), tlsFile("ca.pem"), null);
    try (AgentFixture f = new AgentFixture(config.withSecurity(config.security().withTls(tls)), new MemoryCard())) {
      String target = "127.0.0.1:" + f.agent.port();
      String ca = tlsFile("ca.pem").toString();
      BmctlRun.run("--target", target, "--tls", "--ca", ca, "--cert", tlsFile("client.pem").toString(),
          "--key", tlsFile("client.key").toString(), "health").expect(0);
      BmctlRun without = BmctlRun.run("--target", target, "--ca", ca, "health").expect(ExitCodes.OTHER);
      assertTrue(without.err().startsWith("error: UNAVAILABLE"), without.err());
      BmctlRun.run("--target", target, "--ca", ca, "--cert", tlsFile("rogue-client.pem").toString(),
          "--key", tlsFile("rogue-client.key").toString(), "health").expect(ExitCodes.OTHER);
      BmctlRun.run("--target", target, "--plaintext", "health").expect(ExitCodes.OTHER);
      BmctlRun.run("--target", target, "--ca", ca, "--cert", tlsFile("client.pem").toString(), "health")
          .expect(ExitCodes.USAGE);
    }
  }
}
