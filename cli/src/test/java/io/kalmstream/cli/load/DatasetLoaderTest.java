package io.kalmstream.cli.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.cli.testing.TestTopics;
import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.kafka.TopicSpec;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.serde.RegistryAvroDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader against a real KRaft broker and Apicurio registry: what it writes is read back through
 * the registry.
 */
class DatasetLoaderTest {
  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();

  @TempDir Path dir;

  @Test
  void writesDescriptionsEvalTriplesTrainingTriplesAndQueriesKeyedAsDesigned() throws Exception {
    Topics topics = TestTopics.prefixed("loader-all.");
    RUNTIME.createTopics(topics.newTopics((short) 1));
    LoadPlan plan =
        LoadPlan.of(
            KgDatasetReader.read(TinyDataset.write(dir)),
            new LoadSlice(-1, -1, 3, 5, LoadSlice.EntityScope.ALL));
    RecordingProgress progress = new RecordingProgress();

    DatasetLoader.Summary summary;
    try (Producer<String, SpecificRecord> producer = producer()) {
      summary = new DatasetLoader(producer, topics, progress).load(plan, 200, () -> false);
    }

    assertEquals(
        new DatasetLoader.Summary(
            2, TinyDataset.ENTITIES, TinyDataset.TEST, TinyDataset.TRAIN, 3, false),
        summary);
    Map<String, RelationDescription> relations =
        readAll(topics.relations(), RelationDescription.class);
    assertEquals("points to", relations.get("r0").getName());
    Map<String, EntityDescription> entities = readAll(topics.entities(), EntityDescription.class);
    assertEquals(TinyDataset.ENTITIES, entities.size());
    assertEquals("thing 3", entities.get("e3").getName());
    Map<String, Triple> train = readAll(topics.triples(), Triple.class);
    assertEquals(TinyDataset.TRAIN, train.size());
    for (Map.Entry<String, Triple> e : train.entrySet()) {
      assertEquals(TripleIds.of(e.getValue()), e.getKey());
      assertEquals("train", e.getValue().getSplit());
    }
    assertTrue(train.containsKey("e0\tr0\te1"));
    Map<String, Triple> eval = readAll(topics.evalTriples(), Triple.class);
    assertEquals(TinyDataset.TEST, eval.size());
    assertTrue(eval.containsKey("e12\tr0\te13"));
    Map<String, LinkPredictionQuery> queries = readAll(topics.queries(), LinkPredictionQuery.class);
    assertEquals(
        plan.queries().stream().map(LinkPredictionQuery::getQueryId).sorted().toList(),
        queries.keySet().stream().sorted().toList());
    assertEquals(
        List.of(
            topics.relations().name(),
            topics.entities().name(),
            topics.evalTriples().name(),
            topics.triples().name()),
        progress.phases);
  }

  @Test
  void stopsEarlyWhenAsked() throws Exception {
    Topics topics = TestTopics.prefixed("loader-stop.");
    RUNTIME.createTopics(topics.newTopics((short) 1));
    LoadPlan plan =
        LoadPlan.of(
            KgDatasetReader.read(TinyDataset.write(dir)),
            new LoadSlice(-1, -1, 0, 5, LoadSlice.EntityScope.ALL));
    AtomicInteger polls = new AtomicInteger();
    DatasetLoader.Summary summary;
    try (Producer<String, SpecificRecord> producer = producer()) {
      // Stops during the training stream: the descriptions (22 polls) and eval triples (6) go out,
      // then 4 triples.
      summary =
          new DatasetLoader(producer, topics, Progress.SILENT)
              .load(plan, 0, () -> polls.incrementAndGet() > 33);
    }
    assertTrue(summary.stopped());
    assertEquals(TinyDataset.TEST, summary.evalTriples());
    assertTrue(summary.trainTriples() < TinyDataset.TRAIN, summary.toString());
    assertEquals(summary.trainTriples(), readAll(topics.triples(), Triple.class).size());
  }

  @Test
  void holdsQueriesBackUntilTheScorerCanAnswerThem() throws Exception {
    Topics topics = TestTopics.prefixed("loader-gate.");
    RUNTIME.createTopics(topics.newTopics((short) 1));
    LoadPlan plan =
        LoadPlan.of(
            KgDatasetReader.read(TinyDataset.write(dir)),
            new LoadSlice(-1, -1, 3, 5, LoadSlice.EntityScope.ALL));
    AtomicLong openedAt = new AtomicLong(Long.MAX_VALUE);
    Thread opener =
        new Thread(
            () -> {
              try {
                Thread.sleep(1500);
              } catch (InterruptedException e) {
                return;
              }
              openedAt.set(System.currentTimeMillis());
            });
    opener.start();
    DatasetLoader.Summary summary;
    try (Producer<String, SpecificRecord> producer = producer()) {
      summary =
          new DatasetLoader(producer, topics, Progress.SILENT)
              .load(plan, 0, () -> false, () -> openedAt.get() != Long.MAX_VALUE);
    }
    opener.join();
    assertEquals(3, summary.queries());
    assertEquals(TinyDataset.TRAIN, summary.trainTriples());
    for (long timestamp : timestamps(topics.queries())) {
      assertTrue(timestamp >= openedAt.get(), "a query went out before the gate opened");
    }
  }

  private static List<Long> timestamps(TopicSpec topic) {
    Map<String, Object> props =
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RUNTIME.bootstrapServers());
    List<Long> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(r.timestamp()));
      }
    }
    return out;
  }

  private static Producer<String, SpecificRecord> producer() {
    return DatasetLoader.producer(io.kalmstream.cli.local.LocalPipeline.connectionOf(RUNTIME));
  }

  /** Every record of the topic, newest value per key, decoded through the registry. */
  private static <T extends SpecificRecord> Map<String, T> readAll(TopicSpec topic, Class<T> type) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            RUNTIME.bootstrapServers(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.GROUP_ID_CONFIG,
            "loader-test-" + topic.name());
    Map<String, T> out = new HashMap<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            RegistryAvroDeserializer.specific(type, RegistryConfig.of(RUNTIME.registryUrl())))) {
      consumer.subscribe(List.of(topic.name()));
      int emptyPolls = 0;
      while (emptyPolls < 3) {
        var records = consumer.poll(Duration.ofSeconds(1));
        if (records.isEmpty() && !out.isEmpty()) {
          emptyPolls++;
        }
        for (ConsumerRecord<String, T> r : records) {
          out.put(r.key(), r.value());
        }
        if (records.isEmpty() && out.isEmpty() && ++emptyPolls > 10) {
          break;
        }
      }
    }
    return out;
  }

  private static final class RecordingProgress implements Progress {
    final List<String> phases = new ArrayList<>();

    @Override
    public void start(String phase, long total) {
      phases.add(phase);
    }

    @Override
    public void advance(long done) {}

    @Override
    public void finish() {}
  }
}
