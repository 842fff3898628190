/**
 * The underlay: VXLAN packets to and from other cards over the data-center network, or over loopback when several
 * soft cards share one machine (127.0.0.2, 127.0.0.3, ...). Received on one UDP socket, by the host port's thread beside
 * its TAP or by a thread of the underlay's own; sent from a pool of UDP sockets, one per outer source-port bucket, with
 * DF and UDP GSO.
 */
package io.bmagent.card.soft.net.underlay;
