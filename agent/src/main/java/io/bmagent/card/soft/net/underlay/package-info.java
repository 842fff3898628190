/**
 * The underlay as a Netty UDP channel: VXLAN packets to and from other cards over the data-center network, or over
 * loopback when several soft cards share one machine (127.0.0.2, 127.0.0.3, ...).
 */
package io.bmagent.card.soft.net.underlay;
