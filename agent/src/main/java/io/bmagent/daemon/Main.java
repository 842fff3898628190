package io.bmagent.daemon;

import io.bmagent.audit.KeyValueFormatter;
import io.bmagent.card.Card;
import io.bmagent.card.CardProvider;
import io.bmagent.card.CardProviders;
import io.bmagent.daemon.security.ListenerSecurity;
import io.bmagent.daemon.security.SecurityOptions;
import io.bmagent.daemon.systemd.SystemdNotifier;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code bm-agent} command: runs the agent until SIGTERM or SIGINT. */
@Command(name = "bm-agent", mixinStandardHelpOptions = true, version = "bm-agent " + Agent.VERSION,
    description = "The agent on the offload card of a bare-metal cloud server.",
    subcommands = io.bmagent.lab.LabCommand.class)
public final class Main implements Callable<Integer> {

  private static final Logger log = Logger.getLogger(Main.class.getName());

  @Option(names = "--state-dir", defaultValue = "/var/lib/bm-agent",
      description = "Directory of the durable state (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--listen", defaultValue = "127.0.0.1:50051",
      description = "host:port of the control-plane API (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--socket", description = "Unix domain socket for local tools (default: <state-dir>/agent.sock).")
  Path socket;

  @Option(names = "--card", defaultValue = "soft",
      description = "Card driver: soft (the embedded default), native, or auto for the available one of the highest"
          + " priority (default: ${DEFAULT-VALUE}).")
  String card;

  @Option(names = "--card-option", description = "Driver option key=value; repeatable.")
  Map<String, String> cardOptions = new LinkedHashMap<>();

  @Option(names = "--host-nqn", defaultValue = AgentConfig.DEFAULT_HOST_NQN,
      description = "NQN the card presents to storage targets (default: ${DEFAULT-VALUE}).")
  String hostNqn;

  @Option(names = "--resync", defaultValue = "30s",
      description = "How often to diff everything against the card, e.g. 30s, 5m; 0 for never.")
  String resync;

  @Mixin
  SecurityOptions security;

  @Option(names = "--metrics-listen", defaultValue = "127.0.0.1:9400",
      description = "host:port of the Prometheus endpoint (GET /metrics); off for none (default: ${DEFAULT-VALUE}).")
  String metricsListen;

  public static void main(String[] args) {
    KeyValueFormatter.install();
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ListenerSecurity listeners = security.toSecurity();
    CardProviders providers = CardProviders.installed();
    CardProvider provider = providers.choose(card.equals("auto") ? Optional.empty() : Optional.of(card));
    // Under systemd (Type=notify): STATUS while starting, READY=1 after the first pass, the watchdog, STOPPING=1.
    SystemdNotifier systemd = SystemdNotifier.fromEnvironment(System.getenv());
    log.info(() -> "opening card driver " + provider.name());
    systemd.status("opening card driver " + provider.name());
    Card opened = provider.open(cardOptions);
    AgentConfig config = new AgentConfig(stateDir, address(listen),
        socket != null ? socket : stateDir.resolve("agent.sock"), hostNqn, duration(resync), Clock.systemUTC(),
        listeners, metricsListen.equals("off") ? null : address(metricsListen));
    systemd.status("starting; waiting for the first reconcile pass");
    Agent agent = Agent.start(config, opened);
    systemd.watch(agent);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      systemd.stopping();
      agent.close();
      systemd.close();
    }, "shutdown"));
    System.out.printf("bm-agent %s serving on %s:%d and %s with the %s card%n", Agent.VERSION,
        config.listen().getHostString(), agent.port(), config.socket(), opened.info().driverName());
    agent.awaitTermination();
    return 0;
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new CommandLine.ParameterException(new CommandLine(new Main()), "expected host:port, got " + hostPort);
    }
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  static Duration duration(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    return Duration.parse("PT" + text.toUpperCase());
  }
}
