package io.bmagent.card.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bmagent.api.v1.AttachVolumeRequest;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.GetNetworkInterfaceRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ListSecurityGroupsRequest;
import io.bmagent.api.v1.ListVolumesRequest;
import io.bmagent.api.v1.ListVpcMappingsRequest;
import io.bmagent.api.v1.ListVpcMappingsResponse;
import io.bmagent.api.v1.NetworkInterfacePhase;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.Volume;
import io.bmagent.api.v1.VolumePhase;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VpcGateway;
import io.bmagent.api.v1.VpcMapping;
import io.bmagent.card.BatchResult;
import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.BlockDeviceState;
import io.bmagent.card.BlockDevices;
import io.bmagent.card.Card;
import io.bmagent.card.CardInfo;
import io.bmagent.card.CardListener;
import io.bmagent.card.HostPower;
import io.bmagent.card.NetworkPort;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PortConfig;
import io.bmagent.card.PortState;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Specs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent restarted on a card that kept its state, as hardware does: the simulator gives a card
 * opened with the same serial back with its state. The new driver must read back exactly what the
 * first agent gave the card, and the second agent must report everything and leave the card
 * alone. The volumes carry no CHAP secret, which the card never returns.
 */
@Tag("hil")
class NativeRestartTest {

  private static final String SERIAL = "restart-test";
  private static final String CONFIG = "serial=" + SERIAL + ";power_transition_ms=20";
  private static final int MAPPINGS = 200;

  @TempDir
  Path dir;
  private SimulatorControl sim;

  @AfterEach
  void forgetTheCard() {
    if (sim != null) {
      sim.forget(SERIAL);
    }
  }

  @Test
  void aRestartedAgentFindsTheCardAsItLeftItAndMakesNoMutatingCall() throws Exception {
    NativeCard card = open();
    Given given = new Given(card);
    long generation;
    try (AgentFixture f = new AgentFixture(dir, given)) {
      f.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder()
          .setSecurityGroup(Specs.sshFrom("203.0.113.0/24")).build());
      f.instances.provisionInstance(Specs.provision(true).toBuilder().setSpec(Specs.instance().toBuilder()
          .setPrimaryNic(Specs.nic("eni-1").toBuilder().addSecurityGroupIds("sg-ssh"))).build());
      Instance running = f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
      f.instances.stopInstance(StopInstanceRequest.newBuilder().setGeneration(running.getGeneration())
          .setForce(true).build());
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED);
      f.volumes.attachVolume(AttachVolumeRequest.newBuilder()
          .setSpec(Specs.volume("vol-d1", VolumeRole.VOLUME_ROLE_DATA)).build());
      UpsertVpcMappingsRequest.Builder m = UpsertVpcMappingsRequest.newBuilder()
          .addGateways(VpcGateway.newBuilder().setVni(1001).setUnderlayIp("192.0.2.9")
              .setMac("02:00:00:00:ff:01"));
      for (int i = 1; i <= MAPPINGS; i++) {
        m.addMappings(VpcMapping.newBuilder().setVni(1001).setIp("10.0.2." + i)
            .setMac("02:00:00:00:02:01").setUnderlayIp("192.0.2.3"));
      }
      f.network.upsertVpcMappings(m.build());
      generation = f.instances.startInstance(StartInstanceRequest.getDefaultInstance()).getGeneration();
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
      SimProbe probe = new SimProbe(card.handle());
      AgentFixture.awaitTrue(() -> probe.mappings() == MAPPINGS && card.network().gateways().size() == 1,
          "mappings and gateway on the card");
    }

    NativeCard again = open();
    SimProbe probe = new SimProbe(again.handle());
    assertEquals(List.of("vol-boot", "vol-d1"), probe.deviceSerials());
    assertEquals(BmdpuLibrary.BMDPU_POWER_ON, probe.power());
    // With the host on the reconciler cannot replace a device that reads back different, so compare here.
    assertEquals(new TreeMap<>(given.devices), again.storage().list().stream()
        .collect(Collectors.toMap(BlockDeviceState::volumeId, BlockDeviceState::config, (a, b) -> a,
            TreeMap::new)));
    assertEquals(given.port.get(), again.network().port().map(PortState::config).orElseThrow());
    assertEquals(List.copyOf(given.gateways.values()), List.copyOf(again.network().gateways()));
    try (AgentFixture f = new AgentFixture(dir, again)) {
      Instance inst = f.instances.getInstance(GetInstanceRequest.getDefaultInstance());
      assertEquals(generation, inst.getGeneration());
      assertEquals(InstancePhase.INSTANCE_PHASE_RUNNING, inst.getStatus().getPhase());
      List<Volume> volumes = f.volumes.listVolumes(ListVolumesRequest.getDefaultInstance()).getVolumesList();
      assertEquals(List.of("vol-boot", "vol-d1"), volumes.stream().map(v -> v.getSpec().getVolumeId())
          .sorted().toList());
      volumes.forEach(v -> assertEquals(VolumePhase.VOLUME_PHASE_ATTACHED, v.getStatus().getPhase(),
          v.getSpec().getVolumeId()));
      assertEquals(NetworkInterfacePhase.NETWORK_INTERFACE_PHASE_READY, f.network.getNetworkInterface(
          GetNetworkInterfaceRequest.newBuilder().setNicId("eni-1").build()).getStatus().getPhase());
      assertEquals(1, f.network.listSecurityGroups(ListSecurityGroupsRequest.getDefaultInstance())
          .getSecurityGroupsCount());
      ListVpcMappingsResponse mappings = f.network.listVpcMappings(ListVpcMappingsRequest.getDefaultInstance());
      assertEquals(MAPPINGS, mappings.getMappingsCount());
      assertEquals(1, mappings.getGatewaysCount());
      assertEquals(0, sim.mutations(), "mutating card calls after the restart");
    }
  }

  /** The card, remembering the last config it was given per device, port and gateway. */
  private static final class Given implements Card {
    private final Card card;
    final Map<String, BlockDeviceConfig> devices = new ConcurrentHashMap<>();
    final AtomicReference<PortConfig> port = new AtomicReference<>();
    final Map<Integer, io.bmagent.card.VpcGateway> gateways = new ConcurrentHashMap<>();
    private final BlockDevices storage;
    private final NetworkPort network;

    Given(Card card) {
      this.card = card;
      BlockDevices s = card.storage();
      NetworkPort n = card.network();
      storage = new BlockDevices() {
        @Override
        public List<BlockDeviceState> list() {
          return s.list();
        }

        @Override
        public void attach(BlockDeviceConfig config) {
          s.attach(config);
          devices.put(config.volumeId(), config);
        }

        @Override
        public void detach(String volumeId) {
          s.detach(volumeId);
          devices.remove(volumeId);
        }

        @Override
        public void freeze(Collection<String> volumeIds, Duration timeout) {
          s.freeze(volumeIds, timeout);
        }

        @Override
        public void thaw(Collection<String> volumeIds) {
          s.thaw(volumeIds);
        }
      };
      network = new NetworkPort() {
        @Override
        public Optional<PortState> port() {
          return n.port();
        }

        @Override
        public void configure(PortConfig config) {
          n.configure(config);
          port.set(config);
        }

        @Override
        public void remove() {
          n.remove();
          port.set(null);
        }

        @Override
        public Optional<io.bmagent.card.InstanceMetadata> metadata() {
          return n.metadata();
        }

        @Override
        public void putMetadata(io.bmagent.card.InstanceMetadata m) {
          n.putMetadata(m);
        }

        @Override
        public void removeMetadata() {
          n.removeMetadata();
        }

        @Override
        public Set<PolicyRule> rules() {
          return n.rules();
        }

        @Override
        public BatchResult applyRules(List<PolicyRule> rules) {
          return n.applyRules(rules);
        }

        @Override
        public BatchResult removeRules(List<PolicyRule> rules) {
          return n.removeRules(rules);
        }

        @Override
        public Collection<io.bmagent.card.VpcMapping> mappings() {
          return n.mappings();
        }

        @Override
        public BatchResult upsertMappings(List<io.bmagent.card.VpcMapping> mappings) {
          return n.upsertMappings(mappings);
        }

        @Override
        public BatchResult removeMappings(List<io.bmagent.card.VpcMapping.Key> keys) {
          return n.removeMappings(keys);
        }

        @Override
        public Collection<io.bmagent.card.VpcGateway> gateways() {
          return n.gateways();
        }

        @Override
        public void putGateway(io.bmagent.card.VpcGateway gateway) {
          n.putGateway(gateway);
          gateways.put(gateway.vni(), gateway);
        }

        @Override
        public void removeGateway(int vni) {
          n.removeGateway(vni);
          gateways.remove(vni);
        }
      };
    }

    @Override
    public CardInfo info() {
      return card.info();
    }

    @Override
    public HostPower host() {
      return card.host();
    }

    @Override
    public BlockDevices storage() {
      return storage;
    }

    @Override
    public NetworkPort network() {
      return network;
    }

    @Override
    public void setListener(CardListener listener) {
      card.setListener(listener);
    }

    @Override
    public void close() {
      card.close();
    }
  }

  /** A card with this test's serial; skips when the library is not the simulator, which alone keeps the count. */
  private NativeCard open() {
    SimCards.library();
    NativeCard card = NativeCard.open(CONFIG);
    try {
      sim = SimulatorControl.of(card.handle());
    } catch (UnsupportedOperationException e) {
      card.close();
      assumeTrue(false, "skipped, the card library is not the simulator");
    }
    return card;
  }
}
