package io.kalmstream.scorer;

import io.kalmstream.schemas.AnisotropyAlert;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.ModelQualityMetric;
import io.kalmstream.schemas.dlq.DeadLetters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the scorer tells the world besides answers. Metrics, alerts and dead letters raised on the
 * index, monitor and store threads wait in queues until a stream task's punctuation forwards them
 * to kg.metrics, kg.alerts and kg.dlq, so every record the scorer writes goes through the topology.
 * A bounded history of each feeds the dashboard endpoints, and Prometheus meters count them.
 */
final class ScorerEvents {
  private static final Logger LOG = LoggerFactory.getLogger(ScorerEvents.class);

  private final Queue<ModelQualityMetric> pendingMetrics = new ConcurrentLinkedQueue<>();
  private final Queue<AnisotropyAlert> pendingAlerts = new ConcurrentLinkedQueue<>();
  private final Queue<DeadLetter> pendingDeadLetters = new ConcurrentLinkedQueue<>();
  private final Deque<ModelQualityMetric> metricHistory = new ArrayDeque<>();
  private final Deque<AnisotropyAlert> alertHistory = new ArrayDeque<>();
  private final Deque<LinkPredictionAnswer> recentAnswers = new ArrayDeque<>();
  private final int historySize;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter answered = registry.counter("kalm_scorer_queries_answered_total");
  private final Counter failedQueries = registry.counter("kalm_scorer_queries_failed_total");
  private final Counter deadLetters = registry.counter("kalm_scorer_dead_letters_total");
  private final Timer latency =
      Timer.builder("kalm_scorer_query_latency").publishPercentiles(0.5, 0.99).register(registry);

  ScorerEvents(int historySize) {
    this.historySize = historySize;
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  void metric(long version, String name, double value, long sampleSize) {
    ModelQualityMetric m =
        ModelQualityMetric.newBuilder()
            .setModelVersion(version)
            .setName(name)
            .setValue(value)
            .setSampleSize(sampleSize)
            .setTimestamp(Instant.now())
            .build();
    pendingMetrics.add(m);
    remember(metricHistory, m);
  }

  void alert(
      String kind,
      long version,
      Long previousVersion,
      double value,
      double threshold,
      String message) {
    AnisotropyAlert a =
        AnisotropyAlert.newBuilder()
            .setKind(kind)
            .setModelVersion(version)
            .setPreviousVersion(previousVersion)
            .setValue(value)
            .setThreshold(threshold)
            .setMessage(message)
            .setTimestamp(Instant.now())
            .build();
    LOG.warn("alert {} model version {}: {}", kind, version, message);
    registry.counter("kalm_scorer_alerts_total", "kind", kind).increment();
    pendingAlerts.add(a);
    remember(alertHistory, a);
  }

  void deadLetter(
      String topic, int partition, long offset, byte[] key, byte[] value, String reason) {
    LOG.warn("dead letter from {}-{}@{}: {}", topic, partition, offset, reason);
    deadLetters.increment();
    pendingDeadLetters.add(
        DeadLetters.of("scorer", topic, partition, offset, key, value, reason, Instant.now()));
  }

  /**
   * A record of a topic whose dead letters another component owns: counted and logged, not re-sent.
   */
  void skipped(String topic, int partition, long offset, String reason) {
    LOG.warn(
        "skipped {}-{}@{}: {} (not dead-lettered here: the topic's first consumer owns its dead letters)",
        topic,
        partition,
        offset,
        reason);
    registry.counter("kalm_scorer_skipped_records_total", "topic", topic).increment();
  }

  void answered(LinkPredictionAnswer answer) {
    (answer.getError() == null ? answered : failedQueries).increment();
    latency.record((long) (answer.getLatencyMs() * 1000), TimeUnit.MICROSECONDS);
    remember(recentAnswers, answer);
  }

  List<ModelQualityMetric> drainMetrics() {
    return drain(pendingMetrics);
  }

  List<AnisotropyAlert> drainAlerts() {
    return drain(pendingAlerts);
  }

  List<DeadLetter> drainDeadLetters() {
    return drain(pendingDeadLetters);
  }

  List<ModelQualityMetric> metricHistory() {
    return snapshot(metricHistory);
  }

  List<AnisotropyAlert> alertHistory() {
    return snapshot(alertHistory);
  }

  List<LinkPredictionAnswer> recentAnswers() {
    return snapshot(recentAnswers);
  }

  private <T> void remember(Deque<T> history, T item) {
    synchronized (history) {
      history.addLast(item);
      while (history.size() > historySize) {
        history.removeFirst();
      }
    }
  }

  private static <T> List<T> snapshot(Deque<T> history) {
    synchronized (history) {
      return new ArrayList<>(history);
    }
  }

  private static <T> List<T> drain(Queue<T> queue) {
    List<T> out = new ArrayList<>();
    for (T item; (item = queue.poll()) != null; ) {
      out.add(item);
    }
    return out;
  }
}
