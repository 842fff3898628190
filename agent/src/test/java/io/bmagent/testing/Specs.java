package io.bmagent.testing;

import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.DeviceType;
import io.bmagent.api.v1.Image;
import io.bmagent.api.v1.ImageKind;
import io.bmagent.api.v1.InstanceSpec;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.Transport;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;

/** Valid requests, as a control plane would send them, for tests to start from. */
public final class Specs {

  private Specs() {}

  public static Image centos(String version) {
    return Image.newBuilder().setImageId("img-centos-" + version).setKind(ImageKind.IMAGE_KIND_OFFICIAL)
        .setOsFamily("CentOS").setOsVersion(version).build();
  }

  public static VolumeSpec volume(String id, VolumeRole role) {
    return VolumeSpec.newBuilder()
        .setVolumeId(id)
        .setRole(role)
        .setDeviceType(DeviceType.DEVICE_TYPE_NVME)
        .setTarget(NvmeofTarget.newBuilder().setTransport(Transport.TRANSPORT_TCP).setAddress("127.0.0.1")
            .setServiceId("4420").setSubsystemNqn("nqn.2026-11.io.bmagent:" + id).setNamespaceId(1))
        .setSizeBytes(1L << 30)
        .setBlockSize(4096)
        .build();
  }

  public static NetworkInterfaceSpec nic(String id) {
    return NetworkInterfaceSpec.newBuilder()
        .setNicId(id)
        .setMac("02:00:00:00:00:01")
        .setVpcId("vpc-1")
        .setVni(1001)
        .setSubnetCidr("10.0.1.0/24")
        .setGatewayIp("10.0.1.1")
        .setPrivateIpv4("10.0.1.10")
        .addDnsServers("10.0.0.2")
        .build();
  }

  /** A group that lets TCP 22 in from one CIDR. */
  public static io.bmagent.api.v1.SecurityGroup sshFrom(String cidr) {
    return io.bmagent.api.v1.SecurityGroup.newBuilder().setSecurityGroupId("sg-ssh")
        .addRules(io.bmagent.api.v1.SecurityGroupRule.newBuilder()
            .setDirection(io.bmagent.api.v1.Direction.DIRECTION_INGRESS)
            .setProtocol(io.bmagent.api.v1.Protocol.PROTOCOL_TCP)
            .setPorts(io.bmagent.api.v1.PortRange.newBuilder().setFrom(22).setTo(22)).setRemoteCidr(cidr))
        .build();
  }

  public static InstanceSpec instance() {
    return InstanceSpec.newBuilder()
        .setInstanceType("ebm.g6.8xlarge")
        .setImage(centos("7.6"))
        .setBootDisk(BootDisk.newBuilder().setCloudVolume(volume("vol-boot", VolumeRole.VOLUME_ROLE_BOOT)))
        .setPrimaryNic(nic("eni-1"))
        .putLabels("team", "infra")
        .build();
  }

  public static ProvisionInstanceRequest provision(boolean start) {
    return ProvisionInstanceRequest.newBuilder().setInstanceId("i-1").setSpec(instance())
        .setStartAfterProvisioning(start).build();
  }
}
