/**
 * Connection tracking for the stateful security groups: entries keyed by the flow as seen from the host (VNI,
 * protocol, local and remote address and port), TCP state following the handshake and teardown, timeouts like the
 * public clouds' and a bounded table. Time comes from an injected nanosecond clock, so expiry is testable without
 * sleeping.
 */
package io.bmagent.card.soft.net.conntrack;
