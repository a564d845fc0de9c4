package io.kalmstream.cli.dashboard;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dashboard samples on a timer: topic end offsets (as records per second), the lag of
 * every consumer group, the trainer's Prometheus gauges and the scorer's current version. Each
 * source fails on its own: a trainer that is not up yet does not stop the lag chart.
 */
final class Pollers {
  private static final Logger LOG = LoggerFactory.getLogger(Pollers.class);

  private final PipelineState state;
  private final Admin admin;
  private final Map<String, String> rateTopics;
  private final Supplier<String> trainerMetrics;
  private final ScorerClient scorer;
  private final Map<String, Long> previousEnds = new HashMap<>();
  private final Map<String, String> lastErrors = new HashMap<>();
  private long previousSampleMillis;

  /**
   * @param rateTopics label shown on the chart, by topic whose end offset measures it
   * @param trainerMetrics the trainer's Prometheus exposition, or null when there is no trainer to
   *     read
   */
  Pollers(
      PipelineState state,
      Admin admin,
      Map<String, String> rateTopics,
      Supplier<String> trainerMetrics,
      ScorerClient scorer) {
    this.state = state;
    this.admin = admin;
    this.rateTopics = rateTopics;
    this.trainerMetrics = trainerMetrics;
    this.scorer = scorer;
  }

  void pollAll() {
    long now = System.currentTimeMillis();
    guarded("topic offsets", () -> pollRatesAndLag(now));
    if (trainerMetrics != null) {
      guarded("trainer metrics", () -> pollTrainer(now));
    }
    if (scorer != null) {
      guarded(
          "scorer",
          () -> {
            try {
              state.scorer(scorer.status(now));
            } catch (java.io.IOException e) {
              state.scorer(
                  new PipelineState.ScorerStatus(
                      now, null, null, null, "unreachable: " + e.getMessage()));
              throw e;
            }
          });
    }
  }

  private void pollRatesAndLag(long now) throws Exception {
    Map<TopicPartition, Long> ends = endOffsets(partitionsOf(rateTopics.keySet()));
    Map<String, Long> endByTopic = new HashMap<>();
    ends.forEach((tp, end) -> endByTopic.merge(tp.topic(), end, Long::sum));
    if (previousSampleMillis > 0 && now > previousSampleMillis) {
      double seconds = (now - previousSampleMillis) / 1000.0;
      Map<String, Double> rates = new LinkedHashMap<>();
      rateTopics.forEach(
          (topic, label) -> {
            Long before = previousEnds.get(topic);
            Long after = endByTopic.get(topic);
            if (before != null && after != null) {
              rates.put(label, Math.max(0, after - before) / seconds);
            }
          });
      state.rates.add(new PipelineState.RatesPoint(now, rates));
    }
    previousEnds.clear();
    previousEnds.putAll(endByTopic);
    previousSampleMillis = now;
    state.lag.add(new PipelineState.LagPoint(now, lagByGroup()));
  }

  /** Records not yet consumed, summed over the partitions each group has committed offsets for. */
  private Map<String, Long> lagByGroup() throws Exception {
    Map<String, Long> lag = new LinkedHashMap<>();
    for (GroupListing group : admin.listGroups().all().get(10, TimeUnit.SECONDS)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group.groupId())
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      committed.values().removeIf(o -> o == null);
      if (committed.isEmpty()) {
        continue;
      }
      Map<TopicPartition, Long> ends = endOffsets(committed.keySet());
      long sum = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
        sum +=
            Math.max(
                0, ends.getOrDefault(e.getKey(), e.getValue().offset()) - e.getValue().offset());
      }
      lag.put(group.groupId(), sum);
    }
    return lag;
  }

  private Set<TopicPartition> partitionsOf(Set<String> topics) throws Exception {
    Set<TopicPartition> partitions = new java.util.HashSet<>();
    admin
        .describeTopics(topics)
        .allTopicNames()
        .get(10, TimeUnit.SECONDS)
        .forEach(
            (name, description) ->
                description
                    .partitions()
                    .forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
    return partitions;
  }

  private Map<TopicPartition, Long> endOffsets(Set<TopicPartition> partitions)
      throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
        admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
    Map<TopicPartition, Long> ends = new HashMap<>();
    result.forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  private void pollTrainer(long now) {
    Map<String, Double> m = PrometheusText.parse(trainerMetrics.get());
    Double step = m.get("kalm_trainer_step");
    if (step == null || step == 0) {
      return;
    }
    state.training.add(
        new PipelineState.TrainingPoint(
            now,
            step,
            value(m, "kalm_trainer_loss"),
            value(m, "kalm_trainer_loss_contrastive"),
            value(m, "kalm_trainer_loss_instruction"),
            value(m, "kalm_trainer_temperature"),
            value(m, "kalm_trainer_pairs_per_second"),
            value(m, "kalm_trainer_learning_rate")));
  }

  private static double value(Map<String, Double> samples, String name) {
    return samples.getOrDefault(name, Double.NaN);
  }

  private interface Poll {
    void run() throws Exception;
  }

  /** Runs one poll; logs a failure once until that source recovers or fails differently. */
  private void guarded(String source, Poll poll) {
    try {
      poll.run();
      if (lastErrors.remove(source) != null) {
        LOG.info("dashboard: {} reachable again", source);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      String message = e.toString();
      if (!message.equals(lastErrors.put(source, message))) {
        LOG.warn("dashboard: cannot read {}: {}", source, message);
      }
    }
  }
}
