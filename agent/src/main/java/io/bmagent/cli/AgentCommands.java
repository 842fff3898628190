package io.bmagent.cli;

import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.GetInventoryRequest;
import io.bmagent.api.v1.WatchEventsRequest;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bmctl inventory}, {@code watch} and {@code health}: the agent itself. */
final class AgentCommands {

  private AgentCommands() {}

  @Command(name = "inventory", description = "The card, its driver, capabilities and limits.")
  static final class Inventory extends RpcCommand {
    @Override
    int run(Connection c) {
      var i = c.agent().getInventory(GetInventoryRequest.getDefaultInstance());
      var l = i.getLimits();
      return print(i, t -> t.header("FIELD", "VALUE")
          .row("card", i.getCardModel() + " " + i.getCardSerial())
          .row("driver", i.getDriverName() + " " + i.getDriverVersion() + " (abi " + i.getAbiVersion() + ")")
          .row("agent", i.getAgentVersion())
          .row("device types", String.join(",", i.getCapabilities().getDeviceTypesList()))
          .row("transports", String.join(",", i.getCapabilities().getTransportsList()))
          .row("features", String.join(",", i.getCapabilities().getFeaturesList()))
          .row("nested virtualization", i.getCapabilities().getNestedVirtualization())
          .row("max volumes", l.getMaxVolumes())
          .row("max network interfaces", l.getMaxNetworkInterfaces())
          .row("max security group rules", l.getMaxSecurityGroupRules())
          .row("max acl entries", l.getMaxAclEntries())
          .row("max vpc mappings", l.getMaxVpcMappings()));
    }
  }

  @Command(name = "watch", description = "Stream events until interrupted (Ctrl-C), one per line; with -o json one"
      + " JSON object per line. Each line ends with its resume token.")
  static final class Watch extends RpcCommand {
    @Option(names = "--resume", paramLabel = "TOKEN", description = "Continue after this event's resume token.")
    String resume = "";

    @Option(names = "--type", paramLabel = "TYPE",
        description = "Only this resource type (instance, volume, network_interface, ...); repeatable.")
    List<String> types = List.of();

    @Option(names = "--limit", paramLabel = "N", description = "Stop after N events, e.g. to wait for the next one.")
    long limit;

    @Override
    int run(Connection c) {
      Iterator<Event> events = c.agentWithoutDeadline().watchEvents(WatchEventsRequest.newBuilder()
          .setResumeToken(resume).addAllResourceTypes(types).build());
      for (long n = 0; (limit == 0 || n < limit) && events.hasNext(); n++) {
        Event e = events.next();
        out().println(output == Format.json ? json(e, true) : Rows.event(e));
        out().flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "health", description = "SERVING once the agent has reconciled the card; exit 7 otherwise.")
  static final class Health extends RpcCommand {
    @Override
    int run(Connection c) {
      HealthCheckResponse r = c.health().check(HealthCheckRequest.getDefaultInstance());
      print(r, t -> t.note(r.getStatus().name()));
      return r.getStatus() == HealthCheckResponse.ServingStatus.SERVING ? ExitCodes.OK : ExitCodes.OTHER;
    }
  }
}
