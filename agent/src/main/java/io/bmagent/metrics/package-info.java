/**
 * Prometheus metrics: a {@link io.bmagent.metrics.Metrics} facade over a micrometer registry, the meters of the gRPC
 * server, the reconciler and the card's observed state, and the HTTP endpoint ({@code GET /metrics}) that serves them
 * in the Prometheus text format. Names follow Prometheus conventions: a {@code bmagent_} prefix, base units in the name
 * ({@code _seconds}, {@code _bytes}) and {@code _total} on counters.
 */
package io.bmagent.metrics;
