package io.bmagent.daemon;

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
 * @param metricsListen the TCP address of the Prometheus endpoint ({@code GET /metrics}), or null for none
 */
public record AgentConfig(Path stateDir, InetSocketAddress listen, Path socket, String hostNqn, Duration resync,
    Clock clock, InetSocketAddress metricsListen) {

  public static final String DEFAULT_HOST_NQN = "nqn.2014-08.org.nvmexpress:uuid:bm-agent";

  public static AgentConfig forTests(Path stateDir) {
    return new AgentConfig(stateDir, new InetSocketAddress("127.0.0.1", 0), null, DEFAULT_HOST_NQN, Duration.ZERO,
        Clock.systemUTC());
  }

  /** Without a metrics endpoint. */
  public AgentConfig(Path stateDir, InetSocketAddress listen, Path socket, String hostNqn, Duration resync,
      Clock clock) {
    this(stateDir, listen, socket, hostNqn, resync, clock, null);
  }

  public AgentConfig withMetricsListen(InetSocketAddress address) {
    return new AgentConfig(stateDir, listen, socket, hostNqn, resync, clock, address);
  }
}
