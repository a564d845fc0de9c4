package io.kalmstream.cli.dashboard;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pipeline-level view as Prometheus gauges, for Grafana: the newest value of each quality
 * metric and the version it measured, the newest checkpoint and its age, records per second per
 * topic, lag per consumer group, and alerts per kind. Refreshed from the {@link PipelineState}
 * after every poll.
 */
final class DashboardMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge quality =
      MultiGauge.builder("kalm_model_quality")
          .description("newest value of each quality metric on kg.metrics")
          .register(registry);
  private final MultiGauge qualityVersion =
      MultiGauge.builder("kalm_model_quality_version")
          .description("model version the newest value of each quality metric measured")
          .register(registry);
  private final MultiGauge rates =
      MultiGauge.builder("kalm_topic_records_per_second")
          .description("records appended per second, from topic end offsets")
          .register(registry);
  private final MultiGauge lag =
      MultiGauge.builder("kalm_consumer_group_lag")
          .description(
              "records not yet consumed, summed over the partitions of each consumer group")
          .register(registry);
  private final MultiGauge alerts =
      MultiGauge.builder("kalm_alerts")
          .description("alerts seen on kg.alerts, by kind")
          .register(registry);
  private final AtomicReference<PipelineState.CheckpointPoint> checkpoint = new AtomicReference<>();

  DashboardMetrics() {
    Gauge.builder(
            "kalm_checkpoint_version",
            checkpoint,
            c -> c.get() == null ? Double.NaN : c.get().version())
        .description("version of the newest checkpoint announced on kg.checkpoints")
        .register(registry);
    Gauge.builder(
            "kalm_checkpoint_age_seconds",
            checkpoint,
            c -> c.get() == null ? Double.NaN : (System.currentTimeMillis() - c.get().t()) / 1000.0)
        .description("seconds since the newest checkpoint became durable")
        .register(registry);
  }

  void refresh(PipelineState state) {
    Map<String, PipelineState.QualityPoint> newest = new LinkedHashMap<>();
    state.quality.all().forEach(p -> newest.put(p.name(), p));
    quality.register(rows(newest, p -> p.value()), true);
    qualityVersion.register(rows(newest, p -> (double) p.version()), true);
    PipelineState.RatesPoint r = state.rates.last();
    rates.register(r == null ? List.of() : rows(r.recordsPerSecond(), v -> v, "topic"), true);
    PipelineState.LagPoint l = state.lag.last();
    lag.register(l == null ? List.of() : rows(l.lagByGroup(), v -> (double) v, "group"), true);
    Map<String, Integer> alertCounts = new LinkedHashMap<>();
    state.alerts.all().forEach(a -> alertCounts.merge(a.kind(), 1, Integer::sum));
    alerts.register(rows(alertCounts, v -> (double) v, "kind"), true);
    checkpoint.set(state.checkpoints.last());
  }

  String scrape() {
    return registry.scrape();
  }

  private static <V> List<MultiGauge.Row<?>> rows(
      Map<String, V> values, java.util.function.ToDoubleFunction<V> value) {
    return rows(values, value, "metric");
  }

  private static <V> List<MultiGauge.Row<?>> rows(
      Map<String, V> values, java.util.function.ToDoubleFunction<V> value, String label) {
    List<MultiGauge.Row<?>> out = new ArrayList<>();
    values.forEach(
        (name, v) -> {
          double d = value.applyAsDouble(v);
          out.add(MultiGauge.Row.of(Tags.of(label, name), d));
        });
    return out;
  }
}
