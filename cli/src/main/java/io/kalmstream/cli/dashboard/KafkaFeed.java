package io.kalmstream.cli.dashboard;

import io.kalmstream.schemas.AnisotropyAlert;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.ModelQualityMetric;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.ScoredEntity;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.RegistryAvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the pipeline's output topics from the beginning into the {@link PipelineState}: quality
 * metrics, alerts, checkpoint announcements (with their training metrics), entity and relation
 * names, and queries joined with their answers. It assigns partitions itself (no consumer group),
 * so it adds no lag of its own and a restarted dashboard shows the whole history again.
 */
final class KafkaFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaFeed.class);
  private static final int REMEMBERED_QUERIES = 10_000;

  private final KafkaConsumer<String, byte[]> consumer;
  private final PipelineState state;
  private final Map<String, Handler> handlers = new HashMap<>();
  private final Map<String, LinkPredictionQuery> recentQueries =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LinkPredictionQuery> eldest) {
          return size() > REMEMBERED_QUERIES;
        }
      };
  private final Thread thread;
  private volatile boolean running = true;

  private interface Handler {
    void handle(ConsumerRecord<String, byte[]> record);
  }

  KafkaFeed(
      KafkaConnection connection,
      Topics topics,
      SchemaRegistryClient registry,
      PipelineState state) {
    this.state = state;
    Map<String, Object> props = connection.clientConfig();
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kalm-dashboard");
    // The scorer writes in transactions: show only what committed.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    on(
        topics.metrics().name(),
        ModelQualityMetric.class,
        registry,
        (r, m) -> {
          if (state.quality.last() == null) {
            LOG.info(
                "first quality measurement on {}-{}@{}: model version {} {} = {}",
                r.topic(),
                r.partition(),
                r.offset(),
                m.getModelVersion(),
                m.getName(),
                m.getValue());
          }
          state.quality.add(
              new PipelineState.QualityPoint(
                  m.getTimestamp().toEpochMilli(),
                  m.getModelVersion(),
                  m.getName(),
                  m.getValue(),
                  m.getSampleSize()));
        });
    on(
        topics.alerts().name(),
        AnisotropyAlert.class,
        registry,
        (r, a) ->
            state.alerts.add(
                new PipelineState.AlertPoint(
                    a.getTimestamp().toEpochMilli(),
                    a.getKind(),
                    a.getModelVersion(),
                    a.getValue(),
                    a.getThreshold(),
                    a.getMessage())));
    on(
        topics.checkpoints().name(),
        CheckpointPublished.class,
        registry,
        (r, c) -> {
          if (state.checkpoints.last() == null) {
            LOG.info(
                "first checkpoint on {}-{}@{}: version {} at {}",
                r.topic(),
                r.partition(),
                r.offset(),
                c.getVersion(),
                c.getUri());
          }
          state.checkpoints.add(
              new PipelineState.CheckpointPoint(
                  c.getCreatedAt().toEpochMilli(),
                  c.getVersion(),
                  new LinkedHashMap<>(c.getMetrics())));
        });
    onNullable(
        topics.entities().name(),
        EntityDescription.class,
        registry,
        (r, e) -> state.entity(r.key(), e == null ? null : e.getName()));
    onNullable(
        topics.relations().name(),
        RelationDescription.class,
        registry,
        (r, d) -> state.relation(r.key(), d == null ? null : d.getName()));
    on(
        topics.queries().name(),
        LinkPredictionQuery.class,
        registry,
        (r, q) -> recentQueries.put(q.getQueryId(), q));
    on(topics.predictions().name(), LinkPredictionAnswer.class, registry, this::answered);
    this.thread = new Thread(this::run, "kalm-dashboard-feed");
    thread.setDaemon(true);
  }

  void start() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : handlers.keySet()) {
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread.start();
    LOG.info("dashboard reading {} partitions of {}", partitions.size(), handlers.keySet());
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          Handler handler = handlers.get(record.topic());
          try {
            handler.handle(record);
          } catch (RuntimeException e) {
            LOG.warn(
                "dashboard skipped {}-{}@{}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                e.toString());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("dashboard feed stopped", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void answered(ConsumerRecord<String, byte[]> record, LinkPredictionAnswer answer) {
    LinkPredictionQuery query = recentQueries.remove(answer.getQueryId());
    List<PipelineState.Candidate> candidates = new ArrayList<>();
    for (ScoredEntity c : answer.getCandidates()) {
      candidates.add(new PipelineState.Candidate(c.getEntityId(), c.getName(), c.getScore()));
    }
    String entityId = query == null ? null : query.getEntityId();
    String entityLabel =
        query == null
            ? null
            : entityId != null ? state.entityName(entityId) : query.getEntityText();
    state.predictions.add(
        new PipelineState.PredictionRow(
            record.timestamp(),
            answer.getQueryId(),
            entityId,
            entityLabel,
            query == null ? null : query.getRelation(),
            answer.getModelVersion(),
            answer.getLatencyMs(),
            candidates,
            answer.getError()));
  }

  private <T extends SpecificRecord> void on(
      String topic,
      Class<T> type,
      SchemaRegistryClient registry,
      java.util.function.BiConsumer<ConsumerRecord<String, byte[]>, T> action) {
    onNullable(
        topic,
        type,
        registry,
        (r, v) -> {
          if (v != null) {
            action.accept(r, v);
          }
        });
  }

  private <T extends SpecificRecord> void onNullable(
      String topic,
      Class<T> type,
      SchemaRegistryClient registry,
      java.util.function.BiConsumer<ConsumerRecord<String, byte[]>, T> action) {
    RegistryAvroDeserializer<T> deserializer = RegistryAvroDeserializer.specific(type, registry);
    handlers.put(
        topic,
        r ->
            action.accept(
                r, r.value() == null ? null : deserializer.deserialize(topic, r.value())));
  }

  @Override
  public void close() {
    running = false;
    if (!thread.isAlive()) {
      consumer.close(Duration.ofSeconds(5));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
