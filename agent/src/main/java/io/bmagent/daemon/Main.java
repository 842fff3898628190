package io.bmagent.daemon;

import io.bmagent.audit.KeyValueFormatter;
import io.bmagent.card.Card;
import io.bmagent.card.CardProvider;
import io.bmagent.card.CardProviders;
import io.bmagent.daemon.security.ListenerSecurity;
import io.bmagent.daemon.security.SecurityOptions;
import io.bmagent.daemon.systemd.SystemdNotifier;
import io.bmagent.domain.ImagePolicy;
import io.bmagent.store.StoreException;
import java.io.IOException;
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
    footer = StartupFailure.EXIT_CODES,
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

  @Option(names = "--image-policy", paramLabel = "FILE", description = "The supported images as JSON (see README);"
      + " default: /etc/bm-agent/images.json when it exists, else the built-in CentOS 7.2/7.4/7.6 policy.")
  Path imagePolicy;

  @Option(names = "--metrics-listen", defaultValue = "127.0.0.1:9400",
      description = "host:port of the Prometheus endpoint (GET /metrics); off for none (default: ${DEFAULT-VALUE}).")
  String metricsListen;

  public static void main(String[] args) {
    KeyValueFormatter.install();
    System.exit(commandLine(new Main()).execute(args));
  }

  /**
   * The command with start-up failures reported as one line on stderr and an exit status per kind (see
   * {@link StartupFailure}), instead of picocli's usage dump or a stack trace.
   */
  public static CommandLine commandLine(Object command) {
    CommandLine cl = new CommandLine(command);
    cl.setParameterExceptionHandler((e, args) -> {
      String name = e.getCommandLine().getCommandSpec().qualifiedName();
      e.getCommandLine().getErr().println(name + ": " + e.getMessage() + " (see " + name + " --help)");
      return StartupFailure.Kind.USAGE.exitCode();
    });
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      StartupFailure f = e instanceof StartupFailure sf ? sf
          : new StartupFailure(StartupFailure.Kind.UNEXPECTED, "unexpected failure: " + e, e);
      line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + f.getMessage());
      if (f.kind() == StartupFailure.Kind.UNEXPECTED) {
        e.printStackTrace(line.getErr());
      }
      return f.kind().exitCode();
    });
    return cl;
  }

  @Override
  public Integer call() throws Exception {
    ListenerSecurity listeners = security.toSecurity();
    InetSocketAddress api = address("--listen", listen);
    InetSocketAddress metricsAddress = metricsListen.equals("off") ? null
        : address("--metrics-listen", metricsListen);
    Duration resyncPeriod = duration(resync);
    ImagePolicy images = ImagePolicyFile.choose(imagePolicy);
    log.info(() -> images.source() + ": " + images.rules().size() + " rules, private images derived from them "
        + (images.allowPrivateDerived() ? "allowed" : "refused"));
    CardProvider provider;
    try {
      provider = CardProviders.installed().choose(card.equals("auto") ? Optional.empty() : Optional.of(card));
    } catch (IllegalStateException e) {
      throw new StartupFailure(StartupFailure.Kind.CARD, e.getMessage() + "; choose another with --card", e);
    }
    StateDirectory state = StateDirectory.acquire(stateDir, "--state-dir");
    // Under systemd (Type=notify): STATUS while starting, READY=1 after the first pass, the watchdog, STOPPING=1.
    SystemdNotifier systemd = SystemdNotifier.fromEnvironment(System.getenv());
    log.info(() -> "opening card driver " + provider.name());
    systemd.status("opening card driver " + provider.name());
    Card opened;
    try {
      opened = provider.open(cardOptions);
    } catch (RuntimeException e) {
      throw StartupFailure.card(provider.name(), e, "move this card with --card-option underlay=ADDRESS or"
          + " --card-option underlay-port=PORT");
    }
    AgentConfig config = new AgentConfig(stateDir, api, socket != null ? socket : stateDir.resolve("agent.sock"),
        hostNqn, resyncPeriod, Clock.systemUTC(), listeners, metricsAddress, images);
    systemd.status("starting; waiting for the first reconcile pass");
    Agent agent;
    try {
      agent = Agent.start(config, opened);
    } catch (StoreException e) {
      opened.close();
      throw new StartupFailure(StartupFailure.Kind.STATE, "the state in " + stateDir + " cannot be opened ("
          + e.getMessage() + "): restore it, or move it away to start empty", e);
    } catch (IOException | RuntimeException e) {
      opened.close();
      throw e;
    }
    systemd.watch(agent);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      systemd.stopping();
      agent.close();
      systemd.close();
      state.close();
    }, "shutdown"));
    System.out.printf("bm-agent %s serving on %s:%d and %s with the %s card%n", Agent.VERSION,
        config.listen().getHostString(), agent.port(), config.socket(), opened.info().driverName());
    agent.awaitTermination();
    return 0;
  }

  static InetSocketAddress address(String flag, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    int port = -1;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (colon < 1 || port < 0 || port > 65535) {
      throw new StartupFailure(StartupFailure.Kind.USAGE, flag + ": expected host:port with a port 0..65535, got '"
          + hostPort + "'", null);
    }
    return new InetSocketAddress(hostPort.substring(0, colon), port);
  }

  static Duration duration(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    try {
      return Duration.parse("PT" + text.toUpperCase());
    } catch (java.time.format.DateTimeParseException e) {
      throw new StartupFailure(StartupFailure.Kind.USAGE, "--resync: expected a duration such as 30s or 5m, or 0,"
          + " got '" + text + "'", e);
    }
  }
}
