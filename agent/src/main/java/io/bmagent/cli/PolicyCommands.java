package io.bmagent.cli;

import io.bmagent.api.v1.AssociateElasticIpRequest;
import io.bmagent.api.v1.DeleteNetworkAclRequest;
import io.bmagent.api.v1.DeleteSecurityGroupRequest;
import io.bmagent.api.v1.DisassociateElasticIpRequest;
import io.bmagent.api.v1.ListSecurityGroupsRequest;
import io.bmagent.api.v1.ListSecurityGroupsResponse;
import io.bmagent.api.v1.PutNetworkAclRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bmctl sg}, {@code bmctl acl} and {@code bmctl eip}: what the NIC's policy is compiled from. */
final class PolicyCommands {

  private PolicyCommands() {}

  @Command(name = "sg", description = "Security groups (stateful).",
      subcommands = {Sg.Put.class, Sg.Delete.class, Sg.ListCmd.class})
  static final class Sg {

    @Command(name = "put", description = "Create or replace a group from a PutSecurityGroupRequest in JSON.")
    static final class Put extends RpcCommand {
      @Option(names = {"-f", "--file"}, required = true, description = "The request as JSON; - for stdin.")
      String file;

      @Override
      int run(Connection c) {
        var g = c.network().putSecurityGroup(SpecFile.read(file, PutSecurityGroupRequest.newBuilder()).build());
        return print(g, t -> Rows.securityGroups(t, List.of(g)));
      }
    }

    @Command(name = "delete", description = "Delete a group no NIC uses.")
    static final class Delete extends RpcCommand {
      @Parameters(paramLabel = "SECURITY_GROUP_ID")
      String id;

      @Option(names = "--allow-missing", description = "Succeed when there is no such group.")
      boolean allowMissing;

      @Override
      int run(Connection c) {
        var r = c.network().deleteSecurityGroup(DeleteSecurityGroupRequest.newBuilder().setSecurityGroupId(id)
            .setAllowMissing(allowMissing).build());
        return print(r, t -> t.note("deleted security group " + id));
      }
    }

    @Command(name = "list", description = "List the groups.")
    static final class ListCmd extends RpcCommand {
      @Override
      int run(Connection c) {
        // Every page, printed as one: the reply holds the groups of all pages and no token.
        var all = ListSecurityGroupsResponse.newBuilder();
        String token = "";
        do {
          var page = c.network().listSecurityGroups(ListSecurityGroupsRequest.newBuilder().setPageToken(token)
              .build());
          all.addAllSecurityGroups(page.getSecurityGroupsList());
          token = page.getNextPageToken();
        } while (!token.isEmpty());
        var r = all.build();
        return print(r, t -> Rows.securityGroups(t, r.getSecurityGroupsList()));
      }
    }
  }

  @Command(name = "acl", description = "Network ACLs (stateless).", subcommands = {Acl.Put.class, Acl.Delete.class})
  static final class Acl {

    @Command(name = "put", description = "Create or replace an ACL from a PutNetworkAclRequest in JSON.")
    static final class Put extends RpcCommand {
      @Option(names = {"-f", "--file"}, required = true, description = "The request as JSON; - for stdin.")
      String file;

      @Override
      int run(Connection c) {
        var a = c.network().putNetworkAcl(SpecFile.read(file, PutNetworkAclRequest.newBuilder()).build());
        return print(a, t -> t.header("ACL", "ENTRIES", "GENERATION")
            .row(a.getAclId(), a.getEntriesCount(), Long.toUnsignedString(a.getGeneration())));
      }
    }

    @Command(name = "delete", description = "Delete an ACL no NIC uses.")
    static final class Delete extends RpcCommand {
      @Parameters(paramLabel = "ACL_ID")
      String id;

      @Option(names = "--allow-missing", description = "Succeed when there is no such ACL.")
      boolean allowMissing;

      @Override
      int run(Connection c) {
        var r = c.network().deleteNetworkAcl(DeleteNetworkAclRequest.newBuilder().setAclId(id)
            .setAllowMissing(allowMissing).build());
        return print(r, t -> t.note("deleted acl " + id));
      }
    }
  }

  @Command(name = "eip", description = "The elastic IP of the NIC.",
      subcommands = {Eip.Associate.class, Eip.Disassociate.class})
  static final class Eip {

    @Command(name = "associate", description = "Give the NIC a public IPv4 address.")
    static final class Associate extends RpcCommand {
      @Parameters(index = "0", paramLabel = "NIC_ID")
      String nicId;

      @Parameters(index = "1", paramLabel = "PUBLIC_IP")
      String publicIp;

      @Option(names = "--generation", description = "Replace the NIC's current elastic IP, which has this"
          + " generation; without it a different address already associated is refused (ALREADY_EXISTS).")
      long generation;

      @Override
      int run(Connection c) {
        var a = c.network().associateElasticIp(AssociateElasticIpRequest.newBuilder().setNicId(nicId)
            .setPublicIp(publicIp).setGeneration(generation).build());
        return print(a, t -> t.header("NIC", "PUBLIC-IP", "GENERATION")
            .row(a.getNicId(), a.getPublicIp(), Long.toUnsignedString(a.getGeneration())));
      }
    }

    @Command(name = "disassociate", description = "Take the NIC's public address away.")
    static final class Disassociate extends RpcCommand {
      @Parameters(paramLabel = "NIC_ID")
      String nicId;

      @Option(names = "--allow-missing", description = "Succeed when the NIC has no elastic IP.")
      boolean allowMissing;

      @Override
      int run(Connection c) {
        var r = c.network().disassociateElasticIp(DisassociateElasticIpRequest.newBuilder().setNicId(nicId)
            .setAllowMissing(allowMissing).build());
        return print(r, t -> t.note("disassociated the elastic IP of " + nicId));
      }
    }
  }
}
