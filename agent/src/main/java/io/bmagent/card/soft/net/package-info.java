/**
 * The soft card's packet pipeline: the match-action path between the host's port and the VPC overlay, in Java.
 *
 * <p>{@link io.bmagent.card.soft.net.SoftNetworkPort} implements the card SPI's {@code NetworkPort}: it keeps the
 * port, the policy tables and the overlay location table, and publishes them as immutable snapshots to
 * {@link io.bmagent.card.soft.net.SoftPipeline}, which moves frames from a {@link io.bmagent.card.soft.net.HostPort}
 * to an {@link io.bmagent.card.soft.net.Underlay} and back: anti-spoofing, local ARP and DHCP, ACLs, stateful
 * security groups, routing, elastic-IP NAT and VXLAN.
 */
package io.bmagent.card.soft.net;
