/**
 * Parsing and building of the headers the soft card's pipeline handles, directly on byte arrays: Ethernet (with
 * 802.1Q), ARP, IPv4, ICMP, TCP, UDP, VXLAN and DHCP, and the Internet checksum with its incremental update.
 *
 * <p>Classes here are static helpers over {@code byte[]} and offsets rather than header objects, so that a packet
 * crossing the fast path is read and rewritten in place without allocating.
 */
package io.bmagent.card.soft.net.packet;
