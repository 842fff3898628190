package io.bmagent.reliability;

import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.DeleteVpcMappingsRequest;
import io.bmagent.api.v1.DesiredPower;
import io.bmagent.api.v1.DetachVolumeRequest;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstanceServiceGrpc;
import io.bmagent.api.v1.NetworkServiceGrpc;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.RebootInstanceRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.Transport;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.UpsertVpcMappingsResponse;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeServiceGrpc;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.api.v1.VpcMappingKey;
import io.bmagent.testing.Specs;
import io.grpc.ManagedChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Picks the next mutation from what the ledger says is legal, as a control plane's workflow would. */
final class Mutations {

  static final int BATCH = 20;
  /** Mapping batches kept at most; older ones are deleted, so a soak run stays under the card's table size. */
  private static final int KEPT_BATCHES = 100;
  static final String[] GROUPS = {"sg-a", "sg-b", "sg-c", "sg-d"};
  static final String[] DATA_VOLUMES = {"vol-d1", "vol-d2"};

  private final Random random;
  private final int targetPort;
  private final Deque<Integer> liveBatches = new ArrayDeque<>();
  private int nextBatch;
  private long nextRequest;

  Mutations(Random random, int targetPort) {
    this.random = random;
    this.targetPort = targetPort;
  }

  /** A volume served by the test's NVMe/TCP target: subsystem named after the volume, namespace 1. */
  VolumeSpec volume(String id, VolumeRole role) {
    return Specs.volume(id, role).toBuilder().setTarget(NvmeofTarget.newBuilder().setTransport(Transport.TRANSPORT_TCP)
        .setAddress("127.0.0.1").setServiceId(Integer.toString(targetPort))
        .setSubsystemNqn("nqn.2026-11.io.bmagent:" + id).setNamespaceId(1)).build();
  }

  Mutation provision() {
    ProvisionInstanceRequest req = Specs.provision(true).toBuilder().setSpec(Specs.instance().toBuilder()
        .setBootDisk(Specs.instance().getBootDisk().toBuilder().setCloudVolume(volume("vol-boot",
            VolumeRole.VOLUME_ROLE_BOOT)))).build();
    return new Mutation("provision", ch -> instances(ch).provisionInstance(req), (l, r) -> l.provisioned = true);
  }

  Mutation next(Ledger l) {
    int pick = random.nextInt(100);
    if (pick < 30) {
      return putGroup(GROUPS[random.nextInt(GROUPS.length)], l);
    }
    if (pick < 55) {
      return liveBatches.size() >= KEPT_BATCHES ? deleteBatch(liveBatches.peekFirst()) : upsertBatch(nextBatch++);
    }
    if (pick < 60 && !liveBatches.isEmpty()) {
      return deleteBatch(liveBatches.peekFirst());
    }
    boolean on = l.power == DesiredPower.DESIRED_POWER_ON;
    if (pick < 75) {
      return on ? reboot() : start();
    }
    if (pick < 85) {
      return on ? stop() : start();
    }
    if (!on) {
      String vol = DATA_VOLUMES[random.nextInt(DATA_VOLUMES.length)];
      return l.dataVolumes.contains(vol) ? detach(vol) : attach(vol);
    }
    return putGroup(GROUPS[random.nextInt(GROUPS.length)], l);
  }

  private Mutation putGroup(String id, Ledger l) {
    int previous = l.groupPorts.getOrDefault(id, 0);
    int port = previous % 60_000 + 1 + random.nextInt(100);
    SecurityGroup g = SecurityGroup.newBuilder().setSecurityGroupId(id).addRules(SecurityGroupRule.newBuilder()
        .setDirection(Direction.DIRECTION_INGRESS).setProtocol(Protocol.PROTOCOL_TCP)
        .setPorts(PortRange.newBuilder().setFrom(port).setTo(port)).setRemoteCidr("10.0.0.0/8")).build();
    return new Mutation("put " + id + " port " + port,
        ch -> network(ch).putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(g).build()),
        (led, r) -> {
          led.groupPorts.put(id, port);
          led.groupPuts.merge(id, 1, Integer::sum);
        });
  }

  private static String ip(int batch, int i) {
    int n = batch * BATCH + i + 1;
    return "10.200." + (n >> 8 & 0xff) + "." + (n & 0xff);
  }

  private static String mac(int batch) {
    return String.format("02:00:00:%02x:%02x:%02x", batch >> 16 & 0xff, batch >> 8 & 0xff, batch & 0xff);
  }

  private Mutation upsertBatch(int batch) {
    UpsertVpcMappingsRequest.Builder req = UpsertVpcMappingsRequest.newBuilder();
    for (int i = 0; i < BATCH; i++) {
      req.addMappings(VpcMapping.newBuilder().setVni(1001).setIp(ip(batch, i)).setMac(mac(batch))
          .setUnderlayIp("127.0.0.3"));
    }
    liveBatches.addLast(batch);
    return new Mutation("upsert batch " + batch, ch -> network(ch).upsertVpcMappings(req.build()), (l, r) -> {
      for (int i = 0; i < BATCH; i++) {
        l.mappings.put("1001/" + ip(batch, i), mac(batch));
      }
      l.tableVersion = Math.max(l.tableVersion, ((UpsertVpcMappingsResponse) r).getTableVersion());
    });
  }

  private Mutation deleteBatch(int batch) {
    DeleteVpcMappingsRequest.Builder req = DeleteVpcMappingsRequest.newBuilder();
    for (int i = 0; i < BATCH; i++) {
      req.addKeys(VpcMappingKey.newBuilder().setVni(1001).setIp(ip(batch, i)));
    }
    liveBatches.remove(batch);
    return new Mutation("delete batch " + batch, ch -> network(ch).deleteVpcMappings(req.build()), (l, r) -> {
      for (int i = 0; i < BATCH; i++) {
        l.mappings.remove("1001/" + ip(batch, i));
      }
    });
  }

  private String requestId() {
    return "req-" + (nextRequest++);
  }

  Mutation start() {
    StartInstanceRequest req = StartInstanceRequest.newBuilder().setRequestId(requestId()).build();
    return power("start " + req.getRequestId(), ch -> instances(ch).startInstance(req), l -> {
      l.power = DesiredPower.DESIRED_POWER_ON;
      l.instanceGeneration++;
    });
  }

  private Mutation stop() {
    StopInstanceRequest req = StopInstanceRequest.newBuilder().setRequestId(requestId()).setForce(random.nextBoolean())
        .build();
    return power("stop " + req.getRequestId(), ch -> instances(ch).stopInstance(req), l -> {
      l.power = DesiredPower.DESIRED_POWER_OFF;
      l.instanceGeneration++;
    });
  }

  private Mutation reboot() {
    RebootInstanceRequest req = RebootInstanceRequest.newBuilder().setRequestId(requestId()).build();
    return power("reboot " + req.getRequestId(), ch -> instances(ch).rebootInstance(req), l -> {
      l.reboots++;
      l.instanceGeneration++;
    });
  }

  /** A power request: once acknowledged, sending it again must answer OK without acting twice. */
  private static Mutation power(String name, java.util.function.Function<ManagedChannel, Instance> call,
      java.util.function.Consumer<Ledger> onAck) {
    return new Mutation(name, call::apply, (l, r) -> onAck.accept(l));
  }

  private Mutation attach(String id) {
    AttachVolumeRequest req = AttachVolumeRequest.newBuilder().setSpec(volume(id, VolumeRole.VOLUME_ROLE_DATA)).build();
    return new Mutation("attach " + id, ch -> volumes(ch).attachVolume(req), (l, r) -> l.dataVolumes.add(id));
  }

  private Mutation detach(String id) {
    DetachVolumeRequest req = DetachVolumeRequest.newBuilder().setVolumeId(id).setAllowMissing(true).build();
    return new Mutation("detach " + id, ch -> volumes(ch).detachVolume(req), (l, r) -> l.dataVolumes.remove(id));
  }

  static InstanceServiceGrpc.InstanceServiceBlockingStub instances(ManagedChannel ch) {
    return InstanceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static NetworkServiceGrpc.NetworkServiceBlockingStub network(ManagedChannel ch) {
    return NetworkServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static VolumeServiceGrpc.VolumeServiceBlockingStub volumes(ManagedChannel ch) {
    return VolumeServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
  }
}
