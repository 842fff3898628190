package io.bmagent.cli;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Timestamps;
import io.bmagent.api.v1.DeprovisionInstanceRequest;
import io.bmagent.api.v1.GetConsoleOutputRequest;
import io.bmagent.api.v1.GetConsoleOutputResponse;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.RebootInstanceRequest;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.UpdateInstanceRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bmctl instance}: the server's one instance. */
@Command(name = "instance", description = "The instance: provision, power, update, deprovision, console.",
    subcommands = {InstanceCommands.Provision.class, InstanceCommands.Get.class, InstanceCommands.Start.class,
        InstanceCommands.Stop.class, InstanceCommands.Reboot.class, InstanceCommands.Update.class,
        InstanceCommands.Deprovision.class, InstanceCommands.Console.class})
final class InstanceCommands {

  abstract static class InstanceCommand extends RpcCommand {
    int show(Instance i) {
      return print(i, t -> Rows.instance(t, i));
    }
  }

  /** Flags of the power calls: a request id makes a retry safe, a generation guards against a stale view. */
  abstract static class PowerCommand extends InstanceCommand {
    @Option(names = "--request-id", description = "Idempotency key: a retry with the same id is done once.")
    String requestId = "";

    @Option(names = "--generation", description = "Refuse (ABORTED) unless the instance is at this generation.")
    long generation;
  }

  @Command(name = "provision", description = "Provision from a ProvisionInstanceRequest in JSON.")
  static final class Provision extends InstanceCommand {
    @Option(names = {"-f", "--file"}, required = true, description = "The request as JSON; - for stdin.")
    String file;

    @Override
    int run(Connection c) {
      return show(c.instances().provisionInstance(SpecFile.read(file, ProvisionInstanceRequest.newBuilder()).build()));
    }
  }

  @Command(name = "get", description = "Show the instance and its status.")
  static final class Get extends InstanceCommand {
    @Override
    int run(Connection c) {
      return show(c.instances().getInstance(GetInstanceRequest.getDefaultInstance()));
    }
  }

  @Command(name = "start", description = "Power the host on.")
  static final class Start extends PowerCommand {
    @Override
    int run(Connection c) {
      return show(c.instances().startInstance(StartInstanceRequest.newBuilder().setRequestId(requestId)
          .setGeneration(generation).build()));
    }
  }

  @Command(name = "stop", description = "Power the host off: ACPI shutdown, then off after the timeout.")
  static final class Stop extends PowerCommand {
    @Option(names = "--force", description = "Power off at once, without a graceful shutdown.")
    boolean force;

    @Option(names = "--timeout", converter = DurationConverter.class, paramLabel = "DURATION",
        description = "How long the graceful shutdown may take, e.g. 2m.")
    Duration timeout;

    @Override
    int run(Connection c) {
      StopInstanceRequest.Builder r = StopInstanceRequest.newBuilder().setRequestId(requestId)
          .setGeneration(generation).setForce(force);
      if (timeout != null) {
        r.setGracefulTimeout(timeout);
      }
      return show(c.instances().stopInstance(r.build()));
    }
  }

  @Command(name = "reboot", description = "Reset the host once per request id.")
  static final class Reboot extends PowerCommand {
    @Option(names = "--force", description = "Hard reset instead of a graceful reboot.")
    boolean force;

    @Override
    int run(Connection c) {
      return show(c.instances().rebootInstance(RebootInstanceRequest.newBuilder().setRequestId(requestId)
          .setGeneration(generation).setForce(force).build()));
    }
  }

  @Command(name = "update", description = "Change the spec from an UpdateInstanceRequest in JSON.")
  static final class Update extends InstanceCommand {
    @Option(names = {"-f", "--file"}, required = true, description = "The request as JSON; - for stdin.")
    String file;

    @Override
    int run(Connection c) {
      return show(c.instances().updateInstance(SpecFile.read(file, UpdateInstanceRequest.newBuilder()).build()));
    }
  }

  @Command(name = "deprovision", description = "Remove the named instance, its volumes and its NIC from the card.")
  static final class Deprovision extends RpcCommand {
    @Parameters(paramLabel = "INSTANCE_ID", description = "The instance to remove; another one is never touched.")
    String instanceId;

    @Option(names = "--generation", description = "Refuse (ABORTED) unless the instance is at this generation.")
    long generation;

    @Option(names = "--allow-missing", description = "Succeed, removing nothing, when that instance is not there.")
    boolean allowMissing;

    @Override
    int run(Connection c) {
      var r = c.instances().deprovisionInstance(DeprovisionInstanceRequest.newBuilder()
          .setInstanceId(instanceId).setGeneration(generation).setAllowMissing(allowMissing).build());
      return print(r, t -> t.note(r.getInstanceId().isEmpty() ? "no instance" : "deprovisioned " + r.getInstanceId()));
    }
  }

  @Command(name = "console", description = {"Print the tail of the host's serial console, for when SSH fails.",
      "Control characters other than newline and tab are shown as '?' so that the guest cannot drive the terminal;"
          + " -o json has the exact bytes (base64). A summary line goes to stderr."})
  static final class Console extends RpcCommand {
    @Parameters(paramLabel = "INSTANCE_ID", arity = "0..1",
        description = "The instance; by default the one the card serves.")
    String instanceId;

    @Option(names = "--max-bytes", paramLabel = "N", description = "The last N bytes; default 65536, at most 1 MiB.")
    int maxBytes;

    @Override
    int run(Connection c) {
      String id = instanceId != null ? instanceId
          : c.instances().getInstance(GetInstanceRequest.getDefaultInstance()).getInstanceId();
      GetConsoleOutputResponse r = c.instances().getConsoleOutput(GetConsoleOutputRequest.newBuilder()
          .setInstanceId(id).setMaxBytes(maxBytes).build());
      if (output == Format.json) {
        out().println(json(r, false));
        return ExitCodes.OK;
      }
      out().print(ConsoleText.printable(r.getOutput()));
      err().println("-- " + r.getOutput().size() + " bytes of " + r.getTotalBytes() + " written"
          + (r.hasTimestamp() ? ", the last at " + Timestamps.toString(r.getTimestamp()) : ""));
      return ExitCodes.OK;
    }
  }
}
