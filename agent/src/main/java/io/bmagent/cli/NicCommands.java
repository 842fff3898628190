package io.bmagent.cli;

import io.bmagent.api.v1.CreateNetworkInterfaceRequest;
import io.bmagent.api.v1.DeleteNetworkInterfaceRequest;
import io.bmagent.api.v1.GetNetworkInterfaceRequest;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.UpdateNetworkInterfaceRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bmctl nic}: the primary network interface. */
@Command(name = "nic", description = "The network interface: create, inspect, update, delete.",
    subcommands = {NicCommands.Create.class, NicCommands.Get.class, NicCommands.Update.class,
        NicCommands.Delete.class})
final class NicCommands {

  abstract static class NicCommand extends RpcCommand {
    int show(NetworkInterface n) {
      return print(n, t -> Rows.nic(t, n));
    }
  }

  @Command(name = "create", description = "Create from a CreateNetworkInterfaceRequest in JSON.")
  static final class Create extends NicCommand {
    @Option(names = {"-f", "--file"}, required = true, description = "The request as JSON; - for stdin.")
    String file;

    @Override
    int run(Connection c) {
      return show(c.network().createNetworkInterface(
          SpecFile.read(file, CreateNetworkInterfaceRequest.newBuilder()).build()));
    }
  }

  @Command(name = "get", description = "Show the interface, its policy version and counters.")
  static final class Get extends NicCommand {
    @Parameters(paramLabel = "NIC_ID")
    String nicId;

    @Override
    int run(Connection c) {
      return show(c.network().getNetworkInterface(GetNetworkInterfaceRequest.newBuilder().setNicId(nicId).build()));
    }
  }

  @Command(name = "update", description = "Change it from an UpdateNetworkInterfaceRequest in JSON.")
  static final class Update extends NicCommand {
    @Option(names = {"-f", "--file"}, required = true, description = "The request as JSON; - for stdin.")
    String file;

    @Override
    int run(Connection c) {
      return show(c.network().updateNetworkInterface(
          SpecFile.read(file, UpdateNetworkInterfaceRequest.newBuilder()).build()));
    }
  }

  @Command(name = "delete", description = "Delete the interface.")
  static final class Delete extends RpcCommand {
    @Parameters(paramLabel = "NIC_ID")
    String nicId;

    @Option(names = "--allow-missing", description = "Succeed when there is no such interface.")
    boolean allowMissing;

    @Override
    int run(Connection c) {
      var r = c.network().deleteNetworkInterface(DeleteNetworkInterfaceRequest.newBuilder().setNicId(nicId)
          .setAllowMissing(allowMissing).build());
      return print(r, t -> t.note("deleted nic " + nicId));
    }
  }
}
