package io.bmagent.lab;

import io.bmagent.api.v1.AssociateElasticIpRequest;
import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.DeviceType;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.Image;
import io.bmagent.api.v1.ImageKind;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.InstanceSpec;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.bmagent.api.v1.Transport;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.api.v1.VpcGateway;
import io.bmagent.lab.gateway.Internet;

/** The calls a control plane makes to deliver one bare-metal instance, as the lab makes them. */
final class ControlPlane {

  static final int VNI = 4001;
  /** The VPC's gateway on the underlay: {@code bm-agent lab --guest} runs it there. */
  static final String GATEWAY = "127.0.0.3";
  static final String MAC = "02:00:00:00:00:10";

  private final NetworkServiceGrpc.NetworkServiceBlockingStub network;
  private final InstanceServiceGrpc.InstanceServiceBlockingStub instances;

  ControlPlane(NetworkServiceGrpc.NetworkServiceBlockingStub network,
      InstanceServiceGrpc.InstanceServiceBlockingStub instances) {
    this.network = network;
    this.instances = instances;
  }

  /** What exists before any instance: the VPC's security group and gateway. */
  void prepareVpc() {
    network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(SecurityGroup.newBuilder()
        .setSecurityGroupId("sg-lab-ssh").setDescription("SSH from anywhere, all egress")
        .addRules(SecurityGroupRule.newBuilder().setDirection(Direction.DIRECTION_INGRESS)
            .setProtocol(Protocol.PROTOCOL_TCP).setPorts(PortRange.newBuilder().setFrom(22).setTo(22))
            .setRemoteCidr("0.0.0.0/0"))
        .addRules(SecurityGroupRule.newBuilder().setDirection(Direction.DIRECTION_EGRESS)
            .setProtocol(Protocol.PROTOCOL_ALL).setRemoteCidr("0.0.0.0/0"))).build());
    network.upsertVpcMappings(UpsertVpcMappingsRequest.newBuilder().addGateways(VpcGateway.newBuilder()
        .setVni(VNI).setUnderlayIp(GATEWAY).setMac(Internet.GATEWAY_MAC.toString())).build());
  }

  /** The instance on the image cloned at {@code nsid}: a CentOS 7.6 stand-in, or with {@code guest} Debian 12. */
  void provision(String nqn, int nsid, int port, long sizeBytes, LabGuest guest) throws java.io.IOException {
    VolumeSpec boot = VolumeSpec.newBuilder().setVolumeId("vol-lab-boot").setRole(VolumeRole.VOLUME_ROLE_BOOT)
        .setDeviceType(guest == null ? DeviceType.DEVICE_TYPE_NVME : DeviceType.DEVICE_TYPE_VIRTIO_BLK)
        .setTarget(NvmeofTarget.newBuilder().setTransport(Transport.TRANSPORT_TCP).setAddress("127.0.0.1")
            .setServiceId(Integer.toString(port)).setSubsystemNqn(nqn).setNamespaceId(nsid))
        .setSizeBytes(sizeBytes).setBlockSize(4096).build();
    InstanceSpec.Builder spec = InstanceSpec.newBuilder()
        .setInstanceType("ebm.lab.large")
        .setImage(guest == null ? Image.newBuilder().setImageId("img-centos-7.6").setKind(ImageKind.IMAGE_KIND_OFFICIAL)
            .setOsFamily("CentOS").setOsVersion("7.6").build() : LabGuest.IMAGE)
        .setBootDisk(BootDisk.newBuilder().setCloudVolume(boot))
        .setPrimaryNic(NetworkInterfaceSpec.newBuilder().setNicId("eni-lab").setMac(MAC)
            .setVpcId("vpc-lab").setVni(VNI).setSubnetCidr("10.10.0.0/24").setGatewayIp("10.10.0.1")
            .setPrivateIpv4("10.10.0.10").addSecurityGroupIds("sg-lab-ssh").addDnsServers("10.10.0.2"));
    if (guest != null) {
      spec.setHostname(LabGuest.HOSTNAME).addSshPublicKeys(guest.publicKey());
    }
    instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-lab").setSpec(spec)
        .setStartAfterProvisioning(true).build());
    if (guest != null) {
      network.associateElasticIp(AssociateElasticIpRequest.newBuilder().setNicId("eni-lab")
          .setPublicIp(LabGuest.ELASTIC_IP).build());
    }
  }
}
