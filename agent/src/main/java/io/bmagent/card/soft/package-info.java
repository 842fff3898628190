/**
 * The soft card: a software offload card in Java on Netty and the embedded default driver. It speaks the real
 * protocols — NVMe/TCP towards storage targets ({@code nvmetcp}), a match-action pipeline with conntrack, NAT and
 * VXLAN towards other hosts ({@code net}) — and presents host-facing devices ({@code storage}, TAP ports).
 *
 * <p>Its host is whatever is attached to those host-facing devices: a network namespace on a TAP port, a test or a
 * guest submitting block I/O. Host power is the card's gate on that host: while the host is off, host I/O is refused.
 */
package io.bmagent.card.soft;
