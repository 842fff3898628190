package io.bmagent.bench;

import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.DetachVolumeRequest;
import io.bmagent.api.v1.DeviceType;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Image;
import io.bmagent.api.v1.ImageKind;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.InstanceSpec;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.Transport;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeServiceGrpc;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.api.v1.VpcGateway;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.card.Card;
import io.bmagent.card.soft.SoftCardProvider;
import io.bmagent.daemon.Agent;
import io.bmagent.daemon.AgentConfig;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes a state directory the way a control plane would, through the API of an agent on a soft card: a stopped
 * instance, data volumes attached and detached, the final volume set, then the instance started; and overlay
 * mappings. The volumes live on a lab NVMe/TCP target with memory namespaces: 1 boot, {@link #FINAL_VOLUMES} data.
 */
final class LabState implements AutoCloseable {

  static final String NQN = "nqn.2026-11.io.bmagent:bench";
  static final int FINAL_VOLUMES = 4;
  static final int VNI = 100;
  /** Entries per UpsertVpcMappings call: about 1 MiB of protobuf, under gRPC's 4 MiB default. */
  private static final int MAPPING_BATCH = 20_000;
  private static final long NAMESPACE_BYTES = 16L << 20;
  private static final int BLOCK = 4096;

  final NvmeTcpTarget target;
  private final int targetPort;

  LabState() throws InterruptedException {
    target = new NvmeTcpTarget(new TargetOptions().port(0));
    Subsystem subsystem = target.addSubsystem(NQN);
    for (int i = 0; i <= FINAL_VOLUMES; i++) {
      subsystem.addMemoryNamespace(NAMESPACE_BYTES, BLOCK);
    }
    targetPort = target.start();
  }

  /** A fresh soft card, as after a restart of the card's process. */
  static Card softCard() {
    return new SoftCardProvider().open(Map.of("underlay", "127.0.0.1", "underlay-port", "0"));
  }

  /**
   * Fills {@code stateDir}: {@code cycles} attach/detach cycles of data volumes on a stopped instance, then
   * {@link #FINAL_VOLUMES} attached and the instance started (awaited RUNNING), then {@code mappings} mappings.
   * With {@code cycles} zero there is no instance, only mappings.
   */
  void populate(Path stateDir, int cycles, int mappings) throws Exception {
    try (Agent agent = Agent.start(AgentConfig.forTests(stateDir), softCard())) {
      agent.reconciler().firstPass().get(30, TimeUnit.SECONDS);
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", agent.port()).usePlaintext().build();
      try {
        if (cycles > 0) {
          volumes(ch, cycles);
        }
        mappings(NetworkServiceGrpc.newBlockingStub(ch), mappings);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private void volumes(ManagedChannel ch, int cycles) throws InterruptedException {
    InstanceServiceGrpc.InstanceServiceBlockingStub instances = InstanceServiceGrpc.newBlockingStub(ch);
    VolumeServiceGrpc.VolumeServiceBlockingStub volumes = VolumeServiceGrpc.newBlockingStub(ch);
    instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-1").setSpec(instance())
        .setStartAfterProvisioning(false).build());
    // Volumes are attached and detached only while the host is stopped.
    await(instances, InstancePhase.INSTANCE_PHASE_STOPPED);
    for (int i = 0; i < cycles; i++) {
      String id = "vol-h-" + i;
      volumes.attachVolume(AttachVolumeRequest.newBuilder().setSpec(volume(id, VolumeRole.VOLUME_ROLE_DATA,
          2 + i % FINAL_VOLUMES)).build());
      volumes.detachVolume(DetachVolumeRequest.newBuilder().setVolumeId(id).build());
    }
    for (int i = 0; i < FINAL_VOLUMES; i++) {
      volumes.attachVolume(AttachVolumeRequest.newBuilder().setSpec(volume("vol-data-" + i,
          VolumeRole.VOLUME_ROLE_DATA, 2 + i)).build());
    }
    instances.startInstance(StartInstanceRequest.getDefaultInstance());
    await(instances, InstancePhase.INSTANCE_PHASE_RUNNING);
  }

  private static void await(InstanceServiceGrpc.InstanceServiceBlockingStub instances, InstancePhase phase)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (instances.getInstance(GetInstanceRequest.getDefaultInstance()).getStatus().getPhase() != phase) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the instance did not reach " + phase);
      }
      Thread.sleep(10);
    }
  }

  private static void mappings(NetworkServiceGrpc.NetworkServiceBlockingStub network, int n) {
    for (int from = 0; from < n; from += MAPPING_BATCH) {
      UpsertVpcMappingsRequest.Builder req = UpsertVpcMappingsRequest.newBuilder();
      if (from == 0) {
        req.addGateways(VpcGateway.newBuilder().setVni(VNI).setUnderlayIp("127.0.0.100")
            .setMac("02:00:00:00:00:64"));
      }
      for (int i = from; i < Math.min(n, from + MAPPING_BATCH); i++) {
        req.addMappings(VpcMapping.newBuilder().setVni(VNI).setIp(peerIp(i)).setMac(peerMac(i))
            .setUnderlayIp("127.0.1." + (1 + i % 250)));
      }
      network.upsertVpcMappings(req.build());
    }
  }

  /** Peer {@code i}'s overlay address: 10.1.0.0 and up. */
  static String peerIp(int i) {
    return "10." + (1 + (i >> 16)) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
  }

  static String peerMac(int i) {
    return String.format("02:01:00:%02x:%02x:%02x", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
  }

  private InstanceSpec instance() {
    return InstanceSpec.newBuilder()
        .setInstanceType("ebm.g6.8xlarge")
        .setImage(Image.newBuilder().setImageId("img-centos-7.6").setKind(ImageKind.IMAGE_KIND_OFFICIAL)
            .setOsFamily("CentOS").setOsVersion("7.6"))
        .setBootDisk(BootDisk.newBuilder().setCloudVolume(volume("vol-boot", VolumeRole.VOLUME_ROLE_BOOT, 1)))
        .setPrimaryNic(NetworkInterfaceSpec.newBuilder().setNicId("eni-1").setMac("02:00:00:00:00:01")
            .setVpcId("vpc-1").setVni(VNI).setSubnetCidr("10.0.0.0/8").setGatewayIp("10.0.0.1")
            .setPrivateIpv4("10.0.0.10").addDnsServers("10.0.0.2"))
        .build();
  }

  private VolumeSpec volume(String id, VolumeRole role, int nsid) {
    return VolumeSpec.newBuilder().setVolumeId(id).setRole(role).setDeviceType(DeviceType.DEVICE_TYPE_NVME)
        .setTarget(NvmeofTarget.newBuilder().setTransport(Transport.TRANSPORT_TCP).setAddress("127.0.0.1")
            .setServiceId(Integer.toString(targetPort)).setSubsystemNqn(NQN).setNamespaceId(nsid))
        .setSizeBytes(NAMESPACE_BYTES).setBlockSize(BLOCK).build();
  }

  @Override
  public void close() throws InterruptedException {
    target.close();
  }
}
