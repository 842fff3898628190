package io.bmagent.metrics;

import io.bmagent.events.EventLog;
import io.bmagent.reconcile.Reconciler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;

/** The reconciler's progress and the event stream's subscribers, read from their own counters at scrape time. */
public final class AgentMetrics implements MeterBinder {

  private final Reconciler reconciler;
  private final EventLog events;

  public AgentMetrics(Reconciler reconciler, EventLog events) {
    this.reconciler = reconciler;
    this.events = events;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("bmagent.reconcile.passes", reconciler, Reconciler::passes)
        .description("Reconcile passes completed")
        .register(registry);
    FunctionCounter.builder("bmagent.reconcile.errors", reconciler, Reconciler::failedTargets)
        .description("Reconcile targets that failed in a pass, retryable or not")
        .register(registry);
    // An age rather than a timestamp: an alert on "no pass for 5 minutes" needs no clock arithmetic.
    TimeGauge.builder("bmagent.reconcile.last.pass.age", reconciler, TimeUnit.NANOSECONDS,
            r -> System.nanoTime() - r.lastPassNanos())
        .description("Time since the last reconcile pass ended")
        .register(registry);
    Gauge.builder("bmagent.events.subscribers", events, EventLog::subscriberCount)
        .description("Clients watching the event stream")
        .register(registry);
  }
}
