package io.bmagent.cli;

import io.bmagent.daemon.Agent;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code bmctl} command. Connection flags may be given before or after the subcommand; the exit codes (and usage
 * errors as 1) apply to every subcommand.
 */
@Command(name = "bmctl", mixinStandardHelpOptions = true, version = "bmctl " + Agent.VERSION,
    scope = ScopeType.INHERIT, exitCodeOnInvalidInput = ExitCodes.USAGE,
    exitCodeOnExecutionException = ExitCodes.OTHER,
    description = "Operates the bm-agent of this server: the instance, its volumes and network, and the agent.",
    footer = ExitCodes.HELP,
    subcommands = {InstanceCommands.class, VolumeCommands.class, NicCommands.class, PolicyCommands.Sg.class,
        PolicyCommands.Acl.class, PolicyCommands.Eip.class, MappingCommands.class, AgentCommands.Inventory.class,
        AgentCommands.Watch.class, AgentCommands.Health.class, CompletionCommand.class})
public final class Bmctl {

  @Option(names = "--socket", scope = ScopeType.INHERIT, paramLabel = "PATH",
      defaultValue = "${env:BMCTL_SOCKET:-/var/lib/bm-agent/agent.sock}",
      description = "The agent's Unix socket, used unless --target is given (default: $BMCTL_SOCKET or"
          + " /var/lib/bm-agent/agent.sock).")
  Path socket;

  @Option(names = "--target", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
      description = "Reach the agent over TCP instead: TLS unless --plaintext.")
  String target;

  @Option(names = "--plaintext", scope = ScopeType.INHERIT,
      description = "With --target: no TLS (development and tests only).")
  boolean plaintext;

  @Option(names = "--tls", scope = ScopeType.INHERIT,
      description = "With --target: TLS (the default for TCP), trusting --ca or the system's CAs.")
  boolean tls;

  @Option(names = "--ca", scope = ScopeType.INHERIT, paramLabel = "PEM",
      description = "CA certificate(s) that issued the agent's certificate.")
  Path ca;

  @Option(names = "--cert", scope = ScopeType.INHERIT, paramLabel = "PEM",
      description = "Client certificate, for an agent that requires mutual TLS.")
  Path cert;

  @Option(names = "--key", scope = ScopeType.INHERIT, paramLabel = "PEM",
      description = "Private key (PKCS#8) of --cert.")
  Path key;

  @Option(names = "--call-timeout", scope = ScopeType.INHERIT, defaultValue = "60s", paramLabel = "DURATION",
      converter = DurationConverter.class, description = "Deadline of each call, e.g. 30s (default: ${DEFAULT-VALUE}).")
  com.google.protobuf.Duration callTimeout;

  public static void main(String[] args) {
    // bmctl reports every failure itself, in one line; library chatter (e.g. Netty noting that a Unix socket has no
    // SO_KEEPALIVE) would only get in the way of scripts reading stderr.
    Logger.getLogger("").setLevel(Level.SEVERE);
    System.exit(new CommandLine(new Bmctl()).execute(args));
  }

  Connection connect() {
    if (target == null) {
      if (plaintext || tls || ca != null || cert != null || key != null) {
        throw new UsageException("--plaintext, --tls, --ca, --cert and --key go with --target");
      }
      return Connection.unix(socket, callTimeout);
    }
    if ((cert == null) != (key == null)) {
      throw new UsageException("--cert and --key go together");
    }
    if (plaintext) {
      if (tls || ca != null || cert != null) {
        throw new UsageException("--plaintext excludes --tls, --ca, --cert and --key");
      }
      return Connection.plaintext(target, callTimeout);
    }
    return Connection.tls(target, ca, cert, key, callTimeout);
  }
}
