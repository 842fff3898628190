package io.bmagent.api;

import io.bmagent.api.v1.AssociateElasticIpRequest;
import io.bmagent.api.v1.CreateNetworkInterfaceRequest;
import io.bmagent.api.v1.DeleteNetworkAclRequest;
import io.bmagent.api.v1.DeleteNetworkAclResponse;
import io.bmagent.api.v1.DeleteNetworkInterfaceRequest;
import io.bmagent.api.v1.DeleteNetworkInterfaceResponse;
import io.bmagent.api.v1.DeleteSecurityGroupRequest;
import io.bmagent.api.v1.DeleteSecurityGroupResponse;
import io.bmagent.api.v1.DeleteVpcMappingsRequest;
import io.bmagent.api.v1.DeleteVpcMappingsResponse;
import io.bmagent.api.v1.DisassociateElasticIpRequest;
import io.bmagent.api.v1.DisassociateElasticIpResponse;
import io.bmagent.api.v1.ElasticIpAssociation;
import io.bmagent.api.v1.GetNetworkInterfaceRequest;
import io.bmagent.api.v1.ListSecurityGroupsRequest;
import io.bmagent.api.v1.ListSecurityGroupsResponse;
import io.bmagent.api.v1.ListVpcMappingsRequest;
import io.bmagent.api.v1.ListVpcMappingsResponse;
import io.bmagent.api.v1.NetworkAcl;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.PutNetworkAclRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.UpdateNetworkInterfaceRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.UpsertVpcMappingsResponse;
import io.bmagent.api.v1.VpcGateway;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.domain.MappingManager;
import io.bmagent.domain.NetworkManager;
import io.grpc.stub.StreamObserver;

/** NetworkService over the network and mapping managers. */
public final class NetworkApi extends NetworkServiceGrpc.NetworkServiceImplBase {

  static final Pages.Sizes GROUP_PAGE = new Pages.Sizes(10, 100);

  private final NetworkManager network;
  private final MappingManager mappings;
  private final Views views;

  NetworkApi(NetworkManager network, MappingManager mappings, Views views) {
    this.network = network;
    this.mappings = mappings;
    this.views = views;
  }

  @Override
  public void createNetworkInterface(CreateNetworkInterfaceRequest req, StreamObserver<NetworkInterface> out) {
    Errors.unary(out, () -> views.nic(network.createNic(req.getSpec())));
  }

  @Override
  public void getNetworkInterface(GetNetworkInterfaceRequest req, StreamObserver<NetworkInterface> out) {
    Errors.unary(out, () -> views.nic(network.getNic(req.getNicId())));
  }

  @Override
  public void updateNetworkInterface(UpdateNetworkInterfaceRequest req, StreamObserver<NetworkInterface> out) {
    Errors.unary(out, () -> views.nic(network.updateNic(req.getSpec(), req.getGeneration())));
  }

  @Override
  public void deleteNetworkInterface(DeleteNetworkInterfaceRequest req,
      StreamObserver<DeleteNetworkInterfaceResponse> out) {
    Errors.unary(out, () -> {
      network.deleteNic(req.getNicId(), req.getAllowMissing());
      return DeleteNetworkInterfaceResponse.getDefaultInstance();
    });
  }

  @Override
  public void putSecurityGroup(PutSecurityGroupRequest req, StreamObserver<SecurityGroup> out) {
    Errors.unary(out, () -> network.putSecurityGroup(req.getSecurityGroup()));
  }

  @Override
  public void deleteSecurityGroup(DeleteSecurityGroupRequest req, StreamObserver<DeleteSecurityGroupResponse> out) {
    Errors.unary(out, () -> {
      network.deleteSecurityGroup(req.getSecurityGroupId(), req.getAllowMissing());
      return DeleteSecurityGroupResponse.getDefaultInstance();
    });
  }

  @Override
  public void listSecurityGroups(ListSecurityGroupsRequest req, StreamObserver<ListSecurityGroupsResponse> out) {
    Errors.unary(out, () -> {
      Pages.Page<SecurityGroup> page = Pages.page("security_groups", network.listSecurityGroups(),
          SecurityGroup::getSecurityGroupId, GROUP_PAGE, req.getPageSize(), req.getPageToken());
      return ListSecurityGroupsResponse.newBuilder().addAllSecurityGroups(page.items())
          .setNextPageToken(page.nextToken()).build();
    });
  }

  @Override
  public void putNetworkAcl(PutNetworkAclRequest req, StreamObserver<NetworkAcl> out) {
    Errors.unary(out, () -> network.putAcl(req.getAcl()));
  }

  @Override
  public void deleteNetworkAcl(DeleteNetworkAclRequest req, StreamObserver<DeleteNetworkAclResponse> out) {
    Errors.unary(out, () -> {
      network.deleteAcl(req.getAclId(), req.getAllowMissing());
      return DeleteNetworkAclResponse.getDefaultInstance();
    });
  }

  @Override
  public void associateElasticIp(AssociateElasticIpRequest req, StreamObserver<ElasticIpAssociation> out) {
    Errors.unary(out, () -> network.associateElasticIp(req.getNicId(), req.getPublicIp(), req.getGeneration()));
  }

  @Override
  public void disassociateElasticIp(DisassociateElasticIpRequest req,
      StreamObserver<DisassociateElasticIpResponse> out) {
    Errors.unary(out, () -> {
      network.disassociateElasticIp(req.getNicId(), req.getAllowMissing());
      return DisassociateElasticIpResponse.getDefaultInstance();
    });
  }

  @Override
  public void upsertVpcMappings(UpsertVpcMappingsRequest req, StreamObserver<UpsertVpcMappingsResponse> out) {
    Errors.unary(out, () -> {
      long version = mappings.upsert(
          req.getMappingsList().stream().map(NetworkApi::entry).toList(),
          req.getGatewaysList().stream().map(g -> new MappingManager.Entry(g.getVni(), "", g.getMac(),
              g.getUnderlayIp())).toList());
      return UpsertVpcMappingsResponse.newBuilder().setUpserted(req.getMappingsCount()).setTableVersion(version)
          .build();
    });
  }

  @Override
  public void deleteVpcMappings(DeleteVpcMappingsRequest req, StreamObserver<DeleteVpcMappingsResponse> out) {
    Errors.unary(out, () -> {
      long[] r = mappings.delete(req.getKeysList().stream()
          .map(k -> new MappingManager.Entry(k.getVni(), k.getIp(), "", "")).toList());
      return DeleteVpcMappingsResponse.newBuilder().setDeleted(r[0]).setTableVersion(r[1]).build();
    });
  }

  @Override
  public void listVpcMappings(ListVpcMappingsRequest req, StreamObserver<ListVpcMappingsResponse> out) {
    Errors.unary(out, () -> {
      MappingManager.Page page = mappings.list(req.getVni(), req.getPageSize(), req.getPageToken());
      ListVpcMappingsResponse.Builder b = ListVpcMappingsResponse.newBuilder()
          .setNextPageToken(page.nextToken()).setTableVersion(page.version());
      page.mappings().forEach(m -> b.addMappings(VpcMapping.newBuilder().setVni(m.vni()).setIp(m.ip().toString())
          .setMac(m.mac().toString()).setUnderlayIp(m.underlay().toString())));
      page.gateways().forEach(g -> b.addGateways(VpcGateway.newBuilder().setVni(g.vni())
          .setUnderlayIp(g.underlay().toString()).setMac(g.mac().toString())));
      return b.build();
    });
  }

  private static MappingManager.Entry entry(VpcMapping m) {
    return new MappingManager.Entry(Integer.toUnsignedLong(m.getVni()), m.getIp(), m.getMac(), m.getUnderlayIp());
  }
}
