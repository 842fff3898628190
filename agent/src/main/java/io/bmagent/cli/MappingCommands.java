package io.bmagent.cli;

import io.bmagent.api.v1.DeleteVpcMappingsRequest;
import io.bmagent.api.v1.ListVpcMappingsRequest;
import io.bmagent.api.v1.ListVpcMappingsResponse;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bmctl mappings}: the VXLAN overlay table (hundreds of thousands of rows, so listing pages). */
@Command(name = "mappings", description = "VPC overlay mappings and gateways.",
    subcommands = {MappingCommands.Upsert.class, MappingCommands.Delete.class, MappingCommands.ListCmd.class})
final class MappingCommands {

  @Command(name = "upsert", description = "Add or replace mappings from an UpsertVpcMappingsRequest in JSON.")
  static final class Upsert extends RpcCommand {
    @Option(names = {"-f", "--file"}, required = true, description = "The request as JSON; - for stdin.")
    String file;

    @Override
    int run(Connection c) {
      var r = c.network().upsertVpcMappings(SpecFile.read(file, UpsertVpcMappingsRequest.newBuilder()).build());
      return print(r, t -> t.note("upserted " + r.getUpserted() + "; table version " + r.getTableVersion()));
    }
  }

  @Command(name = "delete", description = "Remove mappings by key from a DeleteVpcMappingsRequest in JSON.")
  static final class Delete extends RpcCommand {
    @Option(names = {"-f", "--file"}, required = true, description = "The request as JSON; - for stdin.")
    String file;

    @Override
    int run(Connection c) {
      var r = c.network().deleteVpcMappings(SpecFile.read(file, DeleteVpcMappingsRequest.newBuilder()).build());
      return print(r, t -> t.note("deleted " + r.getDeleted() + "; table version " + r.getTableVersion()));
    }
  }

  @Command(name = "list", description = "List one page of mappings, or all of them with --all.")
  static final class ListCmd extends RpcCommand {
    @Option(names = "--vni", description = "Only this VNI.")
    int vni;

    @Option(names = "--page-size", description = "Mappings per page (the agent caps it).")
    int pageSize;

    @Option(names = "--page-token", description = "Where to continue, as printed after the previous page.")
    String pageToken = "";

    @Option(names = "--all", description = "Follow the pages to the end and print them as one.")
    boolean all;

    @Override
    int run(Connection c) {
      ListVpcMappingsRequest.Builder req = ListVpcMappingsRequest.newBuilder().setVni(vni).setPageSize(pageSize)
          .setPageToken(pageToken);
      ListVpcMappingsResponse page = c.network().listVpcMappings(req.build());
      if (all) {
        ListVpcMappingsResponse.Builder merged = page.toBuilder();
        while (!page.getNextPageToken().isEmpty()) {
          page = c.network().listVpcMappings(req.setPageToken(page.getNextPageToken()).build());
          merged.addAllMappings(page.getMappingsList());
        }
        page = merged.setNextPageToken("").build();
      }
      ListVpcMappingsResponse shown = page;
      return print(shown, t -> {
        Rows.mappings(t, shown.getMappingsList());
        Rows.gateways(t, shown.getGatewaysList());
        t.note("table version " + shown.getTableVersion());
        if (!shown.getNextPageToken().isEmpty()) {
          t.note("more: --page-token " + shown.getNextPageToken());
        }
      });
    }
  }
}
