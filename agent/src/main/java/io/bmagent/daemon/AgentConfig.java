package io.bmagent.daemon;

import io.bmagent.daemon.security.ListenerSecurity;
import io.bmagent.domain.ImagePolicy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * How an agent runs.
 *
 * @param listen the TCP address of the control-plane API; port 0 picks a free port
 * @param socket the Unix domain socket for local tools, or null for none
 * @param hostNqn the NQN the card presents to storage targets when a volume names none
 * @param resync how often the reconciler diffs everything against the card to catch drift; zero for never
 * @param security TLS, peer checks and rate limits of the listeners
 * @param metricsListen the TCP address of the Prometheus endpoint ({@code GET /metrics}), or null for none
 * @param imagePolicy which images ProvisionInstance accepts
 */
public record AgentConfig(Path stateDir, InetSocketAddress listen, Path socket, String hostNqn, Duration resync,
    Clock clock, ListenerSecurity security, InetSocketAddress metricsListen, ImagePolicy imagePolicy) {

  public static final String DEFAULT_HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:bm-agent";

  /** Loopback, no Unix socket, no metrics endpoint and no rate limit, so tests that poll are never throttled. */
  public static AgentConfig forTests(Path stateDir) {
    return new AgentConfig(stateDir, new InetSocketAddress("127.0.0.1", 0), null, DEFAULT_HOST_NQN, Duration.ZERO,
        Clock.systemUTC(), ListenerSecurity.defaults().withRateLimit(null), null, ImagePolicy.builtIn());
  }

  public AgentConfig withSocket(Path socket) {
    return new AgentConfig(stateDir, listen, socket, hostNqn, resync, clock, security, metricsListen, imagePolicy);
  }

  public AgentConfig withSecurity(ListenerSecurity security) {
    return new AgentConfig(stateDir, listen, socket, hostNqn, resync, clock, security, metricsListen, imagePolicy);
  }

  public AgentConfig withImagePolicy(ImagePolicy policy) {
    return new AgentConfig(stateDir, listen, socket, hostNqn, resync, clock, security, metricsListen, policy);
  }

  public AgentConfig withMetricsListen(InetSocketAddress address) {
    return new AgentConfig(stateDir, listen, socket, hostNqn, resync, clock, security, address, imagePolicy);
  }
}
