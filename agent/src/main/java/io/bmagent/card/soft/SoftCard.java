package io.bmagent.card.soft;

import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.BlockDeviceState;
import io.bmagent.card.BlockDevices;
import io.bmagent.card.Card;
import io.bmagent.card.CardEvent;
import io.bmagent.card.CardException;
import io.bmagent.card.CardInfo;
import io.bmagent.card.CardListener;
import io.bmagent.card.DeviceType;
import io.bmagent.card.HostPower;
import io.bmagent.card.NetworkPort;
import io.bmagent.card.PowerState;
import io.bmagent.card.Transport;
import io.bmagent.card.soft.net.HostPort;
import io.bmagent.card.soft.net.SoftNetworkPort;
import io.bmagent.card.soft.net.Underlay;
import io.bmagent.card.soft.storage.HostBlockDevice;
import io.bmagent.card.soft.vhost.QemuHost;
import io.bmagent.card.soft.vhost.VhostUserDisks;
import io.bmagent.card.soft.vhost.net.VhostUserNetPort;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** The soft card: host power, NVMe/TCP-backed block devices and the VPC pipeline, all in this process. */
public final class SoftCard implements Card {

  /** Queues per vhost-user-blk device; Linux uses as many as the guest has CPUs, up to this. */
  static final int VHOST_QUEUES = 4;
  private static final Logger log = Logger.getLogger(SoftCard.class.getName());
  static final CardInfo.Limits LIMITS = new CardInfo.Limits(16, 1, 4000, 400, 1_000_000, 1_000_000, 8);

  private final CardInfo info;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService eventThread;
  private final SoftHost host;
  private final SoftStorage storage;
  private final SoftNetworkPort network;
  private final HostPort hostPort;
  private final VhostUserDisks vhostDisks;
  private final QemuHost qemu;
  private final DeviceJournal journal;
  private final BlockDevices journaled;
  private volatile CardListener listener = e -> { };

  /**
   * Serving the host over vhost-user: the disks' sockets under {@code dir} while the host is on, and, when
   * {@code qemuImage} is set, a QEMU guest as the host itself, powered by the card's host power.
   */
  record VhostOptions(Path dir, Path qemuImage) {
    static final VhostOptions NONE = new VhostOptions(null, null);
  }

  SoftCard(String serial, SoftStorageOptions storageOptions, HostPort hostPort, Underlay underlay,
      VhostOptions vhost) {
    this.info = new CardInfo("bm-agent soft card", serial, "soft", "0.1.0", 0,
        Set.of(DeviceType.NVME, DeviceType.VIRTIO_BLK), Set.of(Transport.TCP), false,
        List.of("freeze", "qos", "nvme-tcp-digests", "vxlan", "conntrack", "snat", "dhcp", "arp-responder"), LIMITS);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "soft-card-timer"));
    this.eventThread = Executors.newSingleThreadExecutor(r -> daemon(r, "soft-card-events"));
    this.host = new SoftHost(this::raise);
    this.storage = new SoftStorage(scheduler, this::raise, () -> host.state() == PowerState.OFF, storageOptions,
        LIMITS.maxVolumes());
    this.network = new SoftNetworkPort(LIMITS);
    this.hostPort = hostPort;
    network.connect(hostPort, underlay);
    // A QEMU guest in the host's place reaches its disks over vhost-user while the host is on, as a host reaches
    // the hardware card's PCIe functions; they stay across a host reset, as PCIe functions do.
    this.vhostDisks = vhost.dir() == null ? null : new VhostUserDisks(vhost.dir(), VHOST_QUEUES, this::attached);
    if (vhostDisks != null) {
      host.addGate(new SoftHost.Gate() {
        @Override
        public void powered(boolean on) {
          vhostDisks.powered(on);
        }

        @Override
        public void reset() {
        }
      });
    }
    this.qemu = vhostDisks == null || vhost.qemuImage() == null ? null : new QemuHost(vhost.qemuImage(),
        vhost.dir(), this::qemuDisks, hostPort instanceof VhostUserNetPort n ? n.path() : null,
        () -> network.port().map(p -> p.config().mac().toString()), host::poweredItselfOff);
    if (qemu != null) {
      // Added after the disks' gate: QEMU starts once the sockets are there and stops before they close.
      host.addGate(new SoftHost.Gate() {
        @Override
        public void powered(boolean on) {
          if (on) {
            qemu.powerOn();
          } else {
            qemu.powerOff(true, Duration.ZERO);
          }
        }

        @Override
        public void powerOff(boolean force, Duration gracefulTimeout) {
          qemu.powerOff(force, gracefulTimeout);
        }

        @Override
        public void reset() {
          qemu.reset();
        }
      });
      host.consoleFrom(qemu::consoleOutput);
    }
    this.journal = qemu == null ? null : new DeviceJournal(vhost.dir().resolve("devices"));
    this.journaled = journal == null ? null : new JournaledDevices(storage, journal);
    if (qemu != null) {
      resumeSurvivingHost();
    }
  }

  /**
   * A QEMU host that outlived the previous agent keeps running on this card: its devices come back from the journal
   * before the host is reported on, so the running guest's disks reconnect and the reconciler finds the card as a
   * hardware card is found after an agent restart. Without such a host, what the journal held is gone with it.
   */
  private void resumeSurvivingHost() {
    if (!qemu.running()) {
      journal.clear();
      return;
    }
    for (BlockDeviceConfig c : journal.all()) {
      try {
        storage.attach(c);
      } catch (CardException e) {
        log.warning(() -> "cannot bring back device " + c.volumeId() + " for the running host: " + e.getMessage());
        journal.remove(c.volumeId());
      }
    }
    host.foundOn();
  }

  /** The QEMU guest playing the host, when the card runs one. */
  public Optional<QemuHost> qemuHost() {
    return Optional.ofNullable(qemu);
  }

  private List<HostBlockDevice> attached() {
    return storage.list().stream().map(d -> storage.device(d.config().volumeId())).flatMap(Optional::stream)
        .toList();
  }

  /**
   * The disks' sockets as QEMU gets them, boot disk first so that it is /dev/vda: slots follow attach order, and the
   * reconciler attaches in volume id order, so a data volume can hold a lower slot than the boot volume.
   */
  private List<Path> qemuDisks() {
    return storage.list().stream().sorted(Comparator.comparing((BlockDeviceState d) -> !d.config().boot()))
        .map(d -> vhostDisks.socket(d.volumeId())).toList();
  }

  /** The vhost-user-blk socket of a volume's device, when the card serves them. */
  public Optional<Path> vhostUserSocket(String volumeId) {
    return Optional.ofNullable(vhostDisks).map(v -> v.socket(volumeId));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Card events leave on the card's own thread, as a hardware card's would; once the card is closed there is nobody
   * to tell (a QEMU host that ends after its card's software stopped).
   */
  private void raise(CardEvent event) {
    try {
      eventThread.execute(() -> listener.onEvent(event));
    } catch (RejectedExecutionException e) {
      log.fine(() -> "card closed; not raised: " + event);
    }
  }

  @Override
  public CardInfo info() {
    return info;
  }

  @Override
  public HostPower host() {
    return host;
  }

  @Override
  public BlockDevices storage() {
    return journal == null ? storage : journaled;
  }

  @Override
  public NetworkPort network() {
    return network;
  }

  /**
   * The host-facing block device of a volume: where the host's I/O enters the card. Empty while the host is off
   * or the volume is not attached.
   */
  public Optional<HostBlockDevice> hostDevice(String volumeId) {
    return host.state() == PowerState.ON ? storage.device(volumeId) : Optional.empty();
  }

  /** The host's network port, for tests that act as the host. */
  public HostPort hostPort() {
    return hostPort;
  }

  public SoftNetworkPort pipeline() {
    return network;
  }

  @Override
  public void setListener(CardListener listener) {
    this.listener = listener;
  }

  /**
   * Stops the card's software. A QEMU host keeps running, as a host does when its card's software restarts (an
   * upgrade, a crash): its I/O waits on the closed sockets until an agent opens the card again and adopts it.
   */
  @Override
  public void close() {
    if (vhostDisks != null) {
      vhostDisks.close();
    }
    storage.close();
    network.close();
    scheduler.shutdownNow();
    eventThread.shutdown();
    try {
      eventThread.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
