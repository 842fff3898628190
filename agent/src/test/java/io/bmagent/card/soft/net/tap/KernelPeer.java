package io.bmagent.card.soft.net.tap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bmagent.card.CardInfo;
import io.bmagent.card.PolicyRule;
import io.bmagent.card.PolicyTable;
import io.bmagent.card.PortConfig;
import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.net.NetPoll;
import io.bmagent.card.soft.net.SoftNetworkPort;
import io.bmagent.card.soft.net.underlay.UdpUnderlay;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import io.bmagent.net.PortRange;
import io.bmagent.net.Protocol;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A soft card whose remote peer is the Linux kernel's own VXLAN device, an independent implementation:
 *
 * <pre>
 *   host ns: TAP 10.77.0.10 ── card (this JVM) 198.18.x.y+1 ══ veth ══ 198.18.x.y+2 vxlan0 10.77.0.20 :peer ns
 * </pre>
 *
 * The host takes its address from the card's DHCP; the kernel's VXLAN device has the peer's address and a static
 * neighbour entry for the host (the card answers ARP itself and never carries it). Each fixture has its own names and
 * underlay /30 (from 198.18.0.0/15, for benchmarks), so parallel runs do not collide. Needs root, ethtool and python3.
 */
final class KernelPeer implements AutoCloseable {

  static final int VNI = 4242;
  static final String SUBNET = "10.77.0.0/24";
  static final MacAddress HOST_MAC = MacAddress.parse("02:00:0a:4d:00:0a");
  static final MacAddress PEER_MAC = MacAddress.parse("02:00:0a:4d:00:14");
  static final String HOST_IP = "10.77.0.10";
  static final String PEER_IP = "10.77.0.20";
  static final String VXLAN = "vxlan0";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  final Netns host;
  final Netns peer;
  final SoftNetworkPort card;
  final TapHostPort tap;
  final String cardUnderlay;
  final String peerUnderlay;
  final String peerVeth;
  final int port;
  /** The MTU the host's DHCP lease announced. */
  final int hostMtu;
  private final List<AutoCloseable> opened = new ArrayList<>();

  static void assumeRoot() throws Exception {
    assumeTrue("0".equals(Netns.run("id", "-u").output()),
        "skipped: needs root to create network namespaces, veths and TAP devices");
    assumeTrue(new File("/dev/net/tun").canRead(), "skipped: no /dev/net/tun");
    assumeTrue(Netns.run("ethtool", "--version").status() == 0, "skipped: needs ethtool (apt-get install ethtool)");
    assumeTrue(Netns.run("python3", "-c", "print(1)").status() == 0, "skipped: the test hosts need python3");
  }

  /**
   * @param underlayMtu the veths' MTU
   * @param portMtu the port's MTU as the API sets it
   * @param maxConnections the card's connection table size
   * @param rules policy rules beyond the fixture's: ACLs allowing all, egress all, ingress ICMP and TCP from the
   *     subnet
   */
  KernelPeer(int underlayMtu, int portMtu, int maxConnections, PolicyRule... rules) throws Exception {
    this(NetPoll.SLEEP, underlayMtu, portMtu, maxConnections, rules);
  }

  /** As {@link #KernelPeer(int, int, int, PolicyRule...)}, the card's TAP threads waiting as {@code poll}. */
  KernelPeer(NetPoll poll, int underlayMtu, int portMtu, int maxConnections, PolicyRule... rules) throws Exception {
    int id = (int) (ProcessHandle.current().pid() % 100_000) * 10 + SEQUENCE.getAndIncrement() % 10;
    int n = id % 16_384;
    String net = "198.18." + (n >> 6) + ".";
    cardUnderlay = net + ((n & 63) * 4 + 1);
    peerUnderlay = net + ((n & 63) * 4 + 2);
    String cardVeth = "bmku" + id;
    peerVeth = "bmkv" + id;
    try {
      host = add(new Netns("bmkh-" + id));
      peer = add(new Netns("bmkp-" + id));
      opened.add(() -> Netns.run("ip", "link", "del", cardVeth));
      run("ip", "link", "add", cardVeth, "mtu", Integer.toString(underlayMtu), "type", "veth", "peer", "name",
          peerVeth, "mtu", Integer.toString(underlayMtu));
      run("ip", "link", "set", peerVeth, "netns", peer.name);
      run("ip", "addr", "add", cardUnderlay + "/30", "dev", cardVeth);
      run("ip", "link", "set", cardVeth, "up");
      // Without it the kernel leaves the inner TCP checksums of its VXLAN packets to an offload a veth lacks.
      run("ethtool", "-K", cardVeth, "tx", "off");
      peer.must("ip", "link", "set", "lo", "up");
      peer.must("ip", "addr", "add", peerUnderlay + "/30", "dev", peerVeth);
      peer.must("ip", "link", "set", peerVeth, "up");
      peer.must("ethtool", "-K", peerVeth, "tx", "off");

      UdpUnderlay underlay = new UdpUnderlay(Ipv4Address.parse(cardUnderlay), 0, poll);
      port = underlay.localAddress().getPort();
      peer.must("ip", "link", "add", VXLAN, "type", "vxlan", "id", Integer.toString(VNI), "local", peerUnderlay,
          "remote", cardUnderlay, "dstport", Integer.toString(port), "dev", peerVeth);
      peer.must("ip", "link", "set", VXLAN, "address", PEER_MAC.toString(), "mtu",
          Integer.toString(underlayMtu - 50), "up");
      peer.must("ip", "addr", "add", PEER_IP + "/24", "dev", VXLAN);
      peer.must("ip", "neigh", "replace", HOST_IP, "lladdr", HOST_MAC.toString(), "dev", VXLAN, "nud", "permanent");

      card = add(new SoftNetworkPort(new CardInfo.Limits(8, 1, 100, 100, 100, maxConnections, 4)));
      card.configure(new PortConfig("nic", HOST_MAC, Ipv4Address.parse(HOST_IP), Ipv4Prefix.parse(SUBNET),
          Ipv4Address.parse("10.77.0.1"), VNI, portMtu, List.of(Ipv4Address.parse("10.77.0.2"))));
      card.upsertMappings(List.of(new VpcMapping(VNI, Ipv4Address.parse(PEER_IP), PEER_MAC,
          Ipv4Address.parse(peerUnderlay)))).orThrow();
      List<PolicyRule> all = new ArrayList<>(List.of(
          TapEndToEndTest.rule(PolicyTable.ACL_EGRESS, 100, Protocol.ALL, "0.0.0.0/0", PortRange.ALL),
          TapEndToEndTest.rule(PolicyTable.ACL_INGRESS, 100, Protocol.ALL, "0.0.0.0/0", PortRange.ALL),
          TapEndToEndTest.rule(PolicyTable.SG_EGRESS, 0, Protocol.ALL, "0.0.0.0/0", PortRange.ALL),
          TapEndToEndTest.rule(PolicyTable.SG_INGRESS, 0, Protocol.ICMP, SUBNET, PortRange.ALL),
          TapEndToEndTest.rule(PolicyTable.SG_INGRESS, 0, Protocol.TCP, SUBNET, PortRange.ALL)));
      all.addAll(List.of(rules));
      card.applyRules(all).orThrow();
      // As the soft card opens it: one queue per core.
      tap = new TapHostPort("bmkt" + id, poll, Math.min(Runtime.getRuntime().availableProcessors(), 16));
      tap.moveTo(host.name);
      card.connect(tap, underlay);

      host.must("ip", "link", "set", "lo", "up");
      host.must("ip", "link", "set", tap.name(), "address", HOST_MAC.toString(), "up");
      String[] lease = host.must("python3", "-c", HostScripts.DHCP_CLIENT, tap.name(), HOST_MAC.toString())
          .split(" ");
      host.must("ip", "addr", "add", lease[0], "dev", tap.name());
      host.must("ip", "link", "set", tap.name(), "mtu", lease[2]);
      host.must("ip", "route", "add", "default", "via", lease[1]);
      hostMtu = Integer.parseInt(lease[2]);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private <T extends AutoCloseable> T add(T resource) {
    opened.add(resource);
    return resource;
  }

  private static void run(String... cmd) throws Exception {
    Netns.Result r = Netns.run(cmd);
    if (r.status() != 0) {
      throw new IOException(String.join(" ", cmd) + ": " + r.output());
    }
  }

  /** Closes in reverse order of opening: the card (TAP and sockets), the namespaces, the veth. */
  @Override
  public void close() throws Exception {
    Exception first = null;
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    opened.clear();
    if (first != null) {
      throw first;
    }
  }
}
