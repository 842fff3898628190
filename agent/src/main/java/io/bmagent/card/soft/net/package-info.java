/**
 * The soft card's packet pipeline: the match-action path between the host's port and the VPC overlay, in Java.
 *
 * <p>{@link io.bmagent.card.soft.net.SoftNetworkPort} implements the card SPI's {@code NetworkPort}: it keeps the
 * port, the policy tables and the overlay location table, and publishes them as immutable snapshots to
 * {@link io.bmagent.card.soft.net.SoftPipeline}, which moves frames from a {@link io.bmagent.card.soft.net.HostPort}
 * to an {@link io.bmagent.card.soft.net.Underlay} and back: anti-spoofing, local ARP and DHCP, ACLs, stateful
 * security groups, routing, elastic-IP NAT and VXLAN.
 *
 * <p>A soft card builds its network like this:
 *
 * <pre>{@code
 * SoftNetworkPort network = new SoftNetworkPort(cardInfo.limits());
 * TapHostPort tap = new TapHostPort("bm-host0");          // needs CAP_NET_ADMIN
 * tap.moveTo("host-ns");                                   // the host "machine"
 * UdpUnderlay underlay = new UdpUnderlay(Ipv4Address.parse("127.0.0.2"));
 * network.connect(tap, underlay);                          // frames flow from here, both ways on the TAP's threads
 * ...
 * network.close();                                         // closes the TAP and the socket
 * }</pre>
 *
 * <p>Tests drive a port with {@link io.bmagent.card.soft.net.MemoryHostPort} and
 * {@link io.bmagent.card.soft.net.MemoryUnderlay}, or call a {@link io.bmagent.card.soft.net.SoftPipeline} from
 * {@link io.bmagent.card.soft.net.SoftNetworkPort#pipeline} directly.
 */
package io.bmagent.card.soft.net;
