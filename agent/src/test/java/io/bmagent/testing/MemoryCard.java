package io.bmagent.testing;

import io.bmagent.card.BatchResult;
import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.BlockDeviceState;
import io.bmagent.card.BlockDeviceStats;
import io.bmagent.card.BlockDevices;
import io.bmagent.card.Card;
import io.bmagent.card.CardEvent;
import io.bmagent.card.CardException;
import io.bmagent.card.CardInfo;
import io.bmagent.card.CardListener;
import io.bmagent.card.ConsoleOutput;
import io.bmagent.card.ConsoleRing;
import io.bmagent.card.DeviceType;
import io.bmagent.card.HostPower;
import io.bmagent.card.InstanceMetadata;
import io.bmagent.card.NetworkPort;
import io.bmagent.card.PathState;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PortConfig;
import io.bmagent.card.PortState;
import io.bmagent.card.PortStats;
import io.bmagent.card.PowerState;
import io.bmagent.card.Transport;
import io.bmagent.card.VpcGateway;
import io.bmagent.card.VpcMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory card for tests of the layers above the SPI: it keeps what it is told, enforces what a card enforces
 * (no attach or detach while the host is on), counts every mutating call, and fails calls on request. It outlives an
 * agent, so a test can restart the agent against a card that kept its state.
 */
public final class MemoryCard implements Card {

  public final Map<String, Integer> calls = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> faults = new ConcurrentHashMap<>();
  private final Map<String, BlockDeviceState> devices = new TreeMap<>();
  private final Set<PolicyRule> rules = new LinkedHashSet<>();
  private final Map<VpcMapping.Key, VpcMapping> mappings = new HashMap<>();
  private final Map<Integer, VpcGateway> gateways = new HashMap<>();
  private volatile PowerState power = PowerState.OFF;
  private volatile CardListener listener = e -> { };
  private PortConfig port;
  private InstanceMetadata metadata;
  private volatile PortStats portStats = PortStats.ZERO;
  private int nextSlot = 1;
  /** Small, so that a test can wrap it. */
  public final ConsoleRing console = new ConsoleRing(4096);

  /** Fails the next {@code count} calls of {@code op} with a retryable I/O error. */
  public void failNext(String op, int count) {
    faults.put(op, new AtomicInteger(count));
  }

  public int mutations() {
    return calls.values().stream().mapToInt(Integer::intValue).sum();
  }

  public void resetCounts() {
    calls.clear();
  }

  public PowerState power() {
    return power;
  }

  public synchronized void setPath(String volumeId, PathState state) {
    BlockDeviceState d = devices.get(volumeId);
    devices.put(volumeId, new BlockDeviceState(d.config(), d.slot(), state, d.frozen(), d.stats(), d.digests()));
    listener.onEvent(new CardEvent(state == PathState.CONNECTED ? CardEvent.Kind.PATH_UP : CardEvent.Kind.PATH_DOWN,
        volumeId, "path " + state));
  }

  /** The host's OS powers the host off by itself, as a guest's poweroff does. */
  public void hostPowersItselfOff() {
    power = PowerState.OFF;
    listener.onEvent(new CardEvent(CardEvent.Kind.HOST_POWER_CHANGED, "host", "host powered itself off"));
  }

  /** Sets a device's I/O counters, as traffic from the host would. */
  public synchronized void setStats(String volumeId, BlockDeviceStats stats) {
    BlockDeviceState d = devices.get(volumeId);
    devices.put(volumeId, new BlockDeviceState(d.config(), d.slot(), d.pathState(), d.frozen(), stats, d.digests()));
  }

  /** Sets the port's counters, as traffic from and to the host would. */
  public void setPortStats(PortStats stats) {
    portStats = stats;
  }

  private void call(String op) {
    AtomicInteger f = faults.get(op);
    if (f != null && f.getAndDecrement() > 0) {
      throw new CardException(CardException.Reason.IO, "injected fault in " + op);
    }
    calls.merge(op, 1, Integer::sum);
  }

  @Override
  public CardInfo info() {
    return new CardInfo("memory", "MEM-0001", "memory", "1", 0, Set.of(DeviceType.NVME, DeviceType.VIRTIO_BLK),
        Set.of(Transport.TCP), false, List.of("freeze", "qos", "dhchap", "nvme-tcp-digests"),
        new CardInfo.Limits(16, 1, 4000, 400, 1_000_000, 1_000_000, 8));
  }

  @Override
  public HostPower host() {
    return new HostPower() {
      @Override
      public PowerState state() {
        return power;
      }

      @Override
      public void powerOn() {
        call("powerOn");
        power = PowerState.ON;
      }

      @Override
      public void powerOff(boolean force, Duration gracefulTimeout) {
        call("powerOff");
        power = PowerState.OFF;
      }

      @Override
      public void reset() {
        call("reset");
      }

      @Override
      public ConsoleOutput console(int maxBytes) {
        return console.snapshot(maxBytes);
      }
    };
  }

  @Override
  public BlockDevices storage() {
    return new BlockDevices() {
      @Override
      public List<BlockDeviceState> list() {
        synchronized (MemoryCard.this) {
          List<BlockDeviceState> out = new ArrayList<>(devices.values());
          out.sort(Comparator.comparingInt(BlockDeviceState::slot));
          return out;
        }
      }

      @Override
      public void attach(BlockDeviceConfig config) {
        synchronized (MemoryCard.this) {
          busyIfOn();
          call("attach");
          devices.put(config.volumeId(),
              new BlockDeviceState(config, nextSlot++, PathState.CONNECTED, false, BlockDeviceStats.ZERO,
                  config.path().digests()));
        }
      }

      @Override
      public void detach(String volumeId) {
        synchronized (MemoryCard.this) {
          busyIfOn();
          call("detach");
          devices.remove(volumeId);
        }
      }

      @Override
      public void freeze(Collection<String> volumeIds, Duration timeout) {
        synchronized (MemoryCard.this) {
          call("freeze");
          volumeIds.forEach(id -> setFrozen(id, true));
        }
      }

      @Override
      public void thaw(Collection<String> volumeIds) {
        synchronized (MemoryCard.this) {
          call("thaw");
          volumeIds.forEach(id -> setFrozen(id, false));
        }
      }
    };
  }

  private void setFrozen(String id, boolean frozen) {
    BlockDeviceState d = devices.get(id);
    if (d != null) {
      devices.put(id, new BlockDeviceState(d.config(), d.slot(), d.pathState(), frozen, d.stats(), d.digests()));
    }
  }

  private void busyIfOn() {
    if (power != PowerState.OFF) {
      throw new CardException(CardException.Reason.BUSY, "host is on: no hot-plug");
    }
  }

  @Override
  public NetworkPort network() {
    return new NetworkPort() {
      @Override
      public synchronized Optional<PortState> port() {
        return Optional.ofNullable(port).map(p -> new PortState(p, portStats));
      }

      @Override
      public void configure(PortConfig config) {
        call("configurePort");
        port = config;
      }

      @Override
      public void remove() {
        call("removePort");
        port = null;
        metadata = null;
        rules.clear();
      }

      @Override
      public synchronized Optional<InstanceMetadata> metadata() {
        return Optional.ofNullable(metadata);
      }

      @Override
      public void putMetadata(InstanceMetadata m) {
        call("putMetadata");
        metadata = m;
      }

      @Override
      public void removeMetadata() {
        call("removeMetadata");
        metadata = null;
      }

      @Override
      public Set<PolicyRule> rules() {
        synchronized (MemoryCard.this) {
          return Set.copyOf(rules);
        }
      }

      @Override
      public BatchResult applyRules(List<PolicyRule> list) {
        synchronized (MemoryCard.this) {
          call("applyRules");
          rules.addAll(list);
          return BatchResult.all(list.size());
        }
      }

      @Override
      public BatchResult removeRules(List<PolicyRule> list) {
        synchronized (MemoryCard.this) {
          call("removeRules");
          list.forEach(rules::remove);
          return BatchResult.all(list.size());
        }
      }

      @Override
      public Collection<VpcMapping> mappings() {
        synchronized (MemoryCard.this) {
          return List.copyOf(mappings.values());
        }
      }

      @Override
      public BatchResult upsertMappings(List<VpcMapping> list) {
        synchronized (MemoryCard.this) {
          call("upsertMappings");
          list.forEach(m -> mappings.put(m.key(), m));
          return BatchResult.all(list.size());
        }
      }

      @Override
      public BatchResult removeMappings(List<VpcMapping.Key> keys) {
        synchronized (MemoryCard.this) {
          call("removeMappings");
          keys.forEach(mappings::remove);
          return BatchResult.all(keys.size());
        }
      }

      @Override
      public Collection<VpcGateway> gateways() {
        synchronized (MemoryCard.this) {
          return List.copyOf(gateways.values());
        }
      }

      @Override
      public void putGateway(VpcGateway gateway) {
        synchronized (MemoryCard.this) {
          call("putGateway");
          gateways.put(gateway.vni(), gateway);
        }
      }

      @Override
      public void removeGateway(int vni) {
        synchronized (MemoryCard.this) {
          call("removeGateway");
          gateways.remove(vni);
        }
      }
    };
  }

  @Override
  public void setListener(CardListener listener) {
    this.listener = listener;
  }

  @Override
  public void close() {
  }
}
