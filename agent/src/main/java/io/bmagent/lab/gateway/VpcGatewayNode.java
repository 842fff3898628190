package io.bmagent.lab.gateway;

import io.bmagent.lab.Commands;

import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.net.FrameSink;
import io.bmagent.card.soft.net.TunnelReceiver;
import io.bmagent.card.soft.net.packet.Arp;
import io.bmagent.card.soft.net.packet.Ethernet;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Udp;
import io.bmagent.card.soft.net.packet.Vxlan;
import io.bmagent.card.soft.net.tap.TapHostPort;
import io.bmagent.card.soft.net.underlay.UdpUnderlay;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A VPC gateway for the lab: a UDP underlay endpoint on its own address (the one the control plane registers with
 * {@code UpsertVpcMappings.gateways}) and a TAP device in an "internet" network namespace.
 *
 * <p>From a card: the VXLAN packet (RFC 7348, 5) is decapsulated and its inner IPv4 packet routed, unchanged, to the
 * internet side. The cards have already translated the source to the host's elastic IP, so the gateway only checks
 * that the sending card holds that elastic IP in that VNI: a card cannot speak for another's address, and a host
 * without an elastic IP has no way out.
 *
 * <p>From the internet: IPv4 packets for an elastic IP are encapsulated in the elastic IP's VNI, with the host's MAC
 * as the inner destination, towards the card holding it; the card translates the destination back. The gateway
 * answers every ARP request from the internet side with its own MAC (proxy ARP, RFC 1027), so the namespace can route
 * the elastic IPs' prefix through any next-hop address on the link.
 *
 * <p>Which card holds which elastic IP is given as {@link VpcMapping} entries whose {@code ip} is the elastic IP,
 * {@code underlay} the card and {@code mac} the host's MAC: the gateway's side of the control plane's table, fixed
 * for the node's life.
 */
public final class VpcGatewayNode implements AutoCloseable {

  private final MacAddress mac;
  private final MacAddress internetMac;
  private final Map<Integer, VpcMapping> elasticIps = new HashMap<>();
  private final LongAdder dropped = new LongAdder();
  private final UdpUnderlay underlay;
  private final TapHostPort internet;

  /**
   * Binds the underlay and creates the internet side: the TAP {@code tapName}, moved into {@code netns} with the
   * MAC {@code internetMac} and brought up. Needs CAP_NET_ADMIN.
   *
   * @param underlay the gateway's underlay address; it listens and sends on {@code underlayPort}, as the cards do
   * @param mac the gateway's MAC, in the overlay and on the internet side
   * @param elasticIps the elastic IPs the gateway routes, as described above
   */
  public VpcGatewayNode(Ipv4Address underlay, int underlayPort, MacAddress mac, String netns, String tapName,
      MacAddress internetMac, List<VpcMapping> elasticIps) throws IOException, InterruptedException {
    this.mac = mac;
    this.internetMac = internetMac;
    elasticIps.forEach(m -> this.elasticIps.put(m.ip().value(), m));
    UdpUnderlay cards = new UdpUnderlay(underlay, underlayPort);
    TapHostPort tap = null;
    try {
      tap = new TapHostPort(tapName);
      tap.moveTo(netns);
      Commands.must("ip", "-n", netns, "link", "set", tapName, "address", internetMac.toString(), "up");
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (tap != null) {
        tap.close();
      }
      cards.close();
      throw e;
    }
    this.underlay = cards;
    this.internet = tap;
    this.underlay.start(fromCards());
    this.internet.start(fromInternet());
  }


  /** Packets the gateway refused: unknown elastic IPs, a card speaking for another's, malformed frames. */
  public long dropped() {
    return dropped.sum();
  }

  private TunnelReceiver fromCards() {
    return (source, b, off, len) -> {
      if (!Vxlan.valid(b, off, len)) {
        dropped.increment();
        return;
      }
      int vni = Vxlan.vni(b, off);
      int frame = off + Vxlan.HEADER;
      int flen = len - Vxlan.HEADER;
      if (Ethernet.type(b, frame, flen) != Ethernet.TYPE_IPV4) {
        dropped.increment();
        return;
      }
      int ip = frame + Ethernet.headerLength(b, frame);
      if (!Ipv4.valid(b, ip, frame + flen - ip)) {
        dropped.increment();
        return;
      }
      VpcMapping holder = elasticIps.get(Ipv4.src(b, ip));
      if (holder == null || holder.vni() != vni || holder.underlay().value() != source) {
        dropped.increment();
        return;
      }
      int out = ip - Ethernet.HEADER;
      Ethernet.write(b, out, internetMac.value(), mac.value(), Ethernet.TYPE_IPV4);
      internet.send(b, out, Ethernet.HEADER + Ipv4.totalLength(b, ip));
    };
  }

  private FrameSink fromInternet() {
    return (b, off, len) -> {
      int type = Ethernet.type(b, off, len);
      int l3 = off + (type < 0 ? 0 : Ethernet.headerLength(b, off));
      if (type == Ethernet.TYPE_ARP) {
        answerArp(b, l3, off + len - l3);
      } else if (type == Ethernet.TYPE_IPV4 && Ipv4.valid(b, l3, off + len - l3)) {
        toCard(b, l3);
      } else {
        dropped.increment();
      }
    };
  }

  private void answerArp(byte[] b, int arp, int len) {
    if (!Arp.isEthernetIpv4(b, arp, len) || Arp.op(b, arp) != Arp.OP_REQUEST) {
      dropped.increment();
      return;
    }
    int sender = Arp.senderIp(b, arp);
    int target = Arp.targetIp(b, arp);
    if (target == sender) {
      // A gratuitous announcement or duplicate-address probe (RFC 5227, 2.1.1) is the host's own business.
      return;
    }
    long senderMac = Arp.senderMac(b, arp);
    byte[] reply = new byte[60];
    Arp.writeFrame(reply, 0, Arp.OP_REPLY, mac.value(), target, senderMac, sender, senderMac);
    internet.send(reply, 0, reply.length);
  }

  /** Encapsulates in place: the TAP's frames come with {@code SoftPipeline.HEADROOM} bytes in front. */
  private void toCard(byte[] b, int ip) {
    int dst = Ipv4.dst(b, ip);
    VpcMapping holder = elasticIps.get(dst);
    if (holder == null) {
      dropped.increment();
      return;
    }
    int total = Ipv4.totalLength(b, ip);
    int inner = ip - Ethernet.HEADER;
    Ethernet.write(b, inner, holder.mac().value(), mac.value(), Ethernet.TYPE_IPV4);
    int vx = inner - Vxlan.HEADER;
    Vxlan.write(b, vx, holder.vni());
    int l4 = ip + Ipv4.headerLength(b, ip);
    int proto = Ipv4.protocol(b, ip);
    // TCP and UDP ports sit at the same offsets; they feed the outer source port's ECMP hash (RFC 7348, 5).
    boolean ported = (proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP) && Ipv4.fragmentOffset(b, ip) == 0
        && total - (l4 - ip) >= 4;
    int srcPort = ported ? Udp.srcPort(b, l4) : 0;
    int dstPort = ported ? Udp.dstPort(b, l4) : 0;
    underlay.send(holder.underlay().value(), Vxlan.sourcePort(Ipv4.src(b, ip), dst, proto, srcPort, dstPort), b, vx,
        Vxlan.HEADER + Ethernet.HEADER + total);
  }

  @Override
  public void close() {
    internet.close();
    underlay.close();
  }
}
