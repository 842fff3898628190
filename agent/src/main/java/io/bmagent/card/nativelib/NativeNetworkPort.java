package io.bmagent.card.nativelib;

import com.sun.jna.ptr.IntByReference;
import io.bmagent.card.BatchResult;
import io.bmagent.card.InstanceMetadata;
import io.bmagent.card.NetworkPort;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PortConfig;
import io.bmagent.card.PortState;
import io.bmagent.card.PortStats;
import io.bmagent.card.VpcMapping;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host's port 0 over {@code bmdpu_port_*} and {@code bmdpu_vpc_gateway_*}; policy rules and
 * mappings are delegated. Nothing is remembered here: the card holds the whole port config (NIC
 * id and DNS servers included) and lists its gateways, so a process that restarted reads back
 * exactly what it set before, the metadata document ({@code bmdpu_metadata_*}, {@link MetadataBlob}) too.
 */
final class NativeNetworkPort implements NetworkPort {

  private static final int PORT = 0;

  private final BmdpuCard card;
  private final NativePolicyRules rules;
  private final NativeMappings mappings;

  NativeNetworkPort(BmdpuCard card) {
    this.card = card;
    this.rules = new NativePolicyRules(card);
    this.mappings = new NativeMappings(card);
  }

  @Override
  public Optional<PortState> port() {
    return NativeErrors.call(() -> {
      io.bmagent.card.nativelib.PortConfig raw = readPort();
      if (raw == null) {
        return Optional.empty();
      }
      PortCounters c = new PortCounters();
      BmdpuErrors.check(card.library().bmdpu_port_get_counters(card.handle(), PORT, c), "port_get_counters");
      // The card counts drops per direction, not per reason.
      PortStats stats = new PortStats(c.tx_packets, c.tx_bytes, c.rx_packets, c.rx_bytes,
          Map.of("rx", c.rx_drops, "tx", c.tx_drops), 0);
      return Optional.of(new PortState(decode(raw), stats));
    });
  }

  @Override
  public void configure(PortConfig config) {
    NativeErrors.call(() -> {
      io.bmagent.card.nativelib.PortConfig raw = encode(config);
      BmdpuErrors.check(card.library().bmdpu_port_configure(card.handle(), PORT, raw), "port_configure");
      return null;
    });
  }

  @Override
  public void remove() {
    NativeErrors.call(() -> {
      try {
        BmdpuErrors.check(card.library().bmdpu_port_remove(card.handle(), PORT), "port_remove");
      } catch (BmdpuException e) {
        if (e.error() != BmdpuError.NOT_FOUND) {
          throw e;
        }
      }
      return null;
    });
    // The card keeps policy tables apart from the port; the SPI removes them with it.
    rules.remove(new ArrayList<>(rules.list())).orThrow();
  }

  @Override
  public Optional<InstanceMetadata> metadata() {
    return NativeErrors.call(() -> {
      byte[] buf = new byte[BmdpuLibrary.BMDPU_METADATA_MAX];
      IntByReference len = new IntByReference();
      int r = card.library().bmdpu_metadata_get(card.handle(), PORT, buf, buf.length, len);
      if (r == -BmdpuError.NOT_FOUND.errno()) {
        return Optional.empty();
      }
      BmdpuErrors.check(r, "metadata_get");
      return Optional.of(MetadataBlob.decode(java.util.Arrays.copyOf(buf, len.getValue())));
    });
  }

  @Override
  public void putMetadata(InstanceMetadata m) {
    NativeErrors.call(() -> {
      byte[] blob = MetadataBlob.encode(m);
      BmdpuErrors.check(card.library().bmdpu_metadata_set(card.handle(), PORT, blob, blob.length), "metadata_set");
      return null;
    });
  }

  @Override
  public void removeMetadata() {
    NativeErrors.call(() -> {
      int r = card.library().bmdpu_metadata_set(card.handle(), PORT, new byte[0], 0);
      if (r != -BmdpuError.NOT_FOUND.errno()) {
        BmdpuErrors.check(r, "metadata_set");
      }
      return null;
    });
  }

  @Override
  public Set<PolicyRule> rules() {
    return rules.list();
  }

  @Override
  public BatchResult applyRules(List<PolicyRule> list) {
    return rules.apply(list);
  }

  @Override
  public BatchResult removeRules(List<PolicyRule> list) {
    return rules.remove(list);
  }

  @Override
  public Collection<VpcMapping> mappings() {
    return mappings.list();
  }

  @Override
  public BatchResult upsertMappings(List<VpcMapping> list) {
    return mappings.upsert(list);
  }

  @Override
  public BatchResult removeMappings(List<VpcMapping.Key> keys) {
    return mappings.remove(keys);
  }

  @Override
  public Collection<io.bmagent.card.VpcGateway> gateways() {
    return NativeErrors.call(() -> NativeListing.all(VpcGateway.class, "vpc_gateway_list",
        (out, n) -> card.library().bmdpu_vpc_gateway_list(card.handle(), out, n),
        raw -> new io.bmagent.card.VpcGateway(raw.vni, new Ipv4Address(raw.underlay_ipv4),
            MacAddress.fromBytes(raw.mac, 0))));
  }

  @Override
  public void putGateway(io.bmagent.card.VpcGateway gateway) {
    NativeErrors.call(() -> {
      VpcGateway raw = new VpcGateway();
      raw.vni = gateway.vni();
      raw.underlay_ipv4 = gateway.underlay().value();
      raw.mac = gateway.mac().toBytes();
      raw.gateway_ipv4 = overlayAddress(gateway);
      BmdpuErrors.check(card.library().bmdpu_vpc_gateway_set(card.handle(), raw), "vpc_gateway_set");
      return null;
    });
  }

  @Override
  public void removeGateway(int vni) {
    NativeErrors.call(() -> {
      try {
        BmdpuErrors.check(card.library().bmdpu_vpc_gateway_remove(card.handle(), vni), "vpc_gateway_remove");
      } catch (BmdpuException e) {
        if (e.error() != BmdpuError.NOT_FOUND) {
          throw e;
        }
      }
      return null;
    });
  }

  /**
   * The card wants the gateway's overlay address, which the SPI's gateway lacks: it is the port's
   * gateway when the port is in that VNI; otherwise the underlay address stands in, as the card
   * only forwards to the gateway's MAC and VTEP.
   */
  private int overlayAddress(io.bmagent.card.VpcGateway gateway) {
    io.bmagent.card.nativelib.PortConfig port = readPort();
    return port != null && port.vni == gateway.vni() ? port.gateway_ipv4 : gateway.underlay().value();
  }

  /** The card's port config, or null when the port is not configured. */
  private io.bmagent.card.nativelib.PortConfig readPort() {
    io.bmagent.card.nativelib.PortConfig raw = new io.bmagent.card.nativelib.PortConfig();
    try {
      BmdpuErrors.check(card.library().bmdpu_port_get(card.handle(), PORT, raw), "port_get");
    } catch (BmdpuException e) {
      if (e.error() == BmdpuError.NOT_FOUND) {
        return null;
      }
      throw e;
    }
    return raw;
  }

  /** The ABI's port config; more DNS servers than the card offers is an invalid config. */
  private static io.bmagent.card.nativelib.PortConfig encode(PortConfig config) {
    List<Ipv4Address> dns = config.dnsServers();
    if (dns.size() > BmdpuLibrary.BMDPU_DNS_MAX) {
      throw new IllegalArgumentException(dns.size() + " DNS servers, the card offers at most "
          + BmdpuLibrary.BMDPU_DNS_MAX);
    }
    io.bmagent.card.nativelib.PortConfig raw = new io.bmagent.card.nativelib.PortConfig();
    raw.mac = config.mac().toBytes();
    raw.ipv4 = config.privateIp().value();
    raw.prefix_len = config.subnet().length();
    raw.vni = config.vni();
    raw.gateway_ipv4 = config.gateway().value();
    raw.mtu = config.mtu();
    raw.nicId(config.nicId());
    for (int i = 0; i < dns.size(); i++) {
      raw.dns_ipv4[i] = dns.get(i).value();
    }
    raw.dns_count = dns.size();
    return raw;
  }

  private static PortConfig decode(io.bmagent.card.nativelib.PortConfig raw) {
    int mask = raw.prefix_len == 0 ? 0 : -1 << (32 - raw.prefix_len);
    Ipv4Prefix subnet = new Ipv4Prefix(new Ipv4Address(raw.ipv4 & mask), raw.prefix_len);
    List<Ipv4Address> dns = new ArrayList<>();
    for (int i = 0; i < Math.min(raw.dns_count, BmdpuLibrary.BMDPU_DNS_MAX); i++) {
      dns.add(new Ipv4Address(raw.dns_ipv4[i]));
    }
    return new PortConfig(raw.nicId(), MacAddress.fromBytes(raw.mac, 0), new Ipv4Address(raw.ipv4), subnet,
        new Ipv4Address(raw.gateway_ipv4), raw.vni, raw.mtu, dns);
  }
}
