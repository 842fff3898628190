package io.bmagent.card.nativelib;

import io.bmagent.card.BlockDevices;
import io.bmagent.card.Card;
import io.bmagent.card.CardEvent.Kind;
import io.bmagent.card.CardInfo;
import io.bmagent.card.CardListener;
import io.bmagent.card.DeviceType;
import io.bmagent.card.HostPower;
import io.bmagent.card.NetworkPort;
import io.bmagent.card.Transport;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The card SPI over the C ABI: a {@link BmdpuCard} handle and the SPI views on it. Every call
 * translates binding errors through {@link NativeErrors}, so callers only see {@code CardException}.
 */
public final class NativeCard implements Card {

  static final String DRIVER = "native";

  private final BmdpuCard card;
  private final CardInfo info;
  private final NativeHostPower host;
  private final NativeBlockDevices storage;
  private final NativeNetworkPort network;

  public NativeCard(BmdpuCard card) {
    this.card = card;
    this.info = NativeErrors.call(() -> readInfo(card));
    this.host = new NativeHostPower(card);
    this.storage = new NativeBlockDevices(card);
    this.network = new NativeNetworkPort(card);
  }

  /** Opens a card of the loaded library with its "key=value;..." configuration. */
  public static NativeCard open(String config) {
    BmdpuCard card = NativeErrors.call(() -> BmdpuCard.open(BmdpuLibraryLoader.library(), config));
    try {
      return new NativeCard(card);
    } catch (RuntimeException e) {
      // A card whose identity cannot be read is of no use, and the handle would block a reopen on hardware.
      card.close();
      throw e;
    }
  }

  /** The binding handle, for simulator controls in tests and benchmarks. */
  public BmdpuCard handle() {
    return card;
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
    return storage;
  }

  @Override
  public NetworkPort network() {
    return network;
  }

  @Override
  public void setListener(CardListener listener) {
    NativeErrors.call(() -> {
      card.subscribe(event -> {
        Kind kind = kind(event.type());
        if (kind != null) {
          listener.onEvent(new io.bmagent.card.CardEvent(kind, event.objectId(), describe(event)));
        }
      });
      return null;
    });
  }

  @Override
  public void close() {
    NativeErrors.call(() -> {
      card.close();
      return null;
    });
  }

  /** The SPI kind of a card event; null for types newer than this binding, which are dropped. */
  static Kind kind(CardEvent.Type type) {
    return switch (type) {
      case PATH_DOWN -> Kind.PATH_DOWN;
      case PATH_UP -> Kind.PATH_UP;
      case HOST_POWER_CHANGED -> Kind.HOST_POWER_CHANGED;
      case DEVICE_ERROR -> Kind.DEVICE_ERROR;
      case FREEZE_TIMEOUT -> Kind.FREEZE_TIMEOUT;
      case UNKNOWN -> null;
    };
  }

  private static String describe(CardEvent event) {
    return switch (event.type()) {
      case HOST_POWER_CHANGED -> "power " + NativeHostPower.state(event.value());
      case DEVICE_ERROR -> "device error " + BmdpuError.of(-event.value()).symbol() + " in slot " + event.slot();
      default -> event.type().name().toLowerCase().replace('_', ' ') + " (seq " + event.seq() + ")";
    };
  }

  private static CardInfo readInfo(BmdpuCard card) {
    BmdpuLibrary lib = card.library();
    io.bmagent.card.nativelib.CardInfo raw = new io.bmagent.card.nativelib.CardInfo();
    BmdpuErrors.check(lib.bmdpu_card_get_info(card.handle(), raw), "card_get_info");
    Limits limits = new Limits();
    BmdpuErrors.check(lib.bmdpu_card_get_limits(card.handle(), limits), "card_get_limits");

    Set<DeviceType> devices = EnumSet.noneOf(DeviceType.class);
    if (raw.has(BmdpuLibrary.BMDPU_CAP_NVME_EMULATION)) {
      devices.add(DeviceType.NVME);
    }
    if (raw.has(BmdpuLibrary.BMDPU_CAP_VIRTIO_BLK)) {
      devices.add(DeviceType.VIRTIO_BLK);
    }
    Set<Transport> transports = EnumSet.noneOf(Transport.class);
    if (raw.has(BmdpuLibrary.BMDPU_CAP_NVMF_TCP)) {
      transports.add(Transport.TCP);
    }
    if (raw.has(BmdpuLibrary.BMDPU_CAP_NVMF_RDMA)) {
      transports.add(Transport.RDMA);
    }
    List<String> features = new ArrayList<>();
    feature(raw, BmdpuLibrary.BMDPU_CAP_DHCHAP, "dhchap", features);
    feature(raw, BmdpuLibrary.BMDPU_CAP_FREEZE, "freeze", features);
    feature(raw, BmdpuLibrary.BMDPU_CAP_QOS, "qos", features);
    feature(raw, BmdpuLibrary.BMDPU_CAP_NVMF_DIGESTS, "nvme-tcp-digests", features);
    feature(raw, BmdpuLibrary.BMDPU_CAP_VXLAN, "vxlan", features);
    feature(raw, BmdpuLibrary.BMDPU_CAP_NAT, "nat", features);

    // The ABI has one limit for every policy table and no separate ACL limit, and bare metal has no nesting.
    CardInfo.Limits spiLimits = new CardInfo.Limits(limits.max_block_devices, limits.max_ports,
        limits.max_rules_per_table, limits.max_rules_per_table, limits.max_vpc_mappings,
        limits.max_nvmf_connections, limits.max_queues_per_device);
    return new CardInfo(raw.model(), raw.serial(), DRIVER, raw.firmware(), lib.bmdpu_abi_version(),
        devices, transports, false, features, spiLimits);
  }

  private static void feature(io.bmagent.card.nativelib.CardInfo raw, long cap, String name, List<String> out) {
    if (raw.has(cap)) {
      out.add(name);
    }
  }
}
