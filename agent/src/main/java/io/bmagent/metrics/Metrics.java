package io.bmagent.metrics;

import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The agent's metrics. Components register meters on {@link #registry()}, directly or as a {@link MeterBinder};
 * a source whose set of meters changes (volumes come and go, a card reports a new drop reason) registers a refresher
 * with {@link #beforeScrape} and adds or removes its meters there, so every scrape sees the current set. A card
 * driver's own statistics (per-volume latency histograms, conntrack tables) plug in the same way.
 */
public final class Metrics implements AutoCloseable {

  /** The Prometheus text format, version 0.0.4: what every Prometheus server and agent scrapes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Runnable> refreshers = new CopyOnWriteArrayList<>();
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** A registry with the JVM's and the process's meters ({@code jvm_*}, {@code process_*}, {@code system_*}). */
  public Metrics() {
    List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(), new ProcessorMetrics(),
        new UptimeMetrics(), new FileDescriptorMetrics()).forEach(this::bind);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public Metrics bind(MeterBinder binder) {
    binder.bindTo(registry);
    return this;
  }

  /** Runs {@code refresh} before each scrape, on the scraping thread; it must be quick and must not block. */
  public void beforeScrape(Runnable refresh) {
    refreshers.add(refresh);
  }

  /** Per-RPC counts, latencies and status codes of the gRPC server. */
  public ServerInterceptor grpcInterceptor() {
    return new GrpcServerMetrics(registry);
  }

  /** Writes every meter in the Prometheus text format. */
  public void scrape(OutputStream out) throws IOException {
    refreshers.forEach(Runnable::run);
    registry.scrape(out, CONTENT_TYPE);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
