/**
 * Value types of IPv4 networking shared by the domain, the policy compiler and the card drivers: addresses,
 * prefixes, MAC addresses, port ranges and protocols. Parsing is strict, so a bad value is refused where it enters.
 */
package io.bmagent.net;
