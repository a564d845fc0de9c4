package io.kalmstream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TextViews;
import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.schemas.AnisotropyAlert;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.kafka.TopicSpec;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.RegistryAvroSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer against a real KRaft broker and Apicurio registry, with the real DJL model
 * (stories260K) and a real PEFT checkpoint written by the model code: a checkpoint arrives in the
 * middle of a query stream; every query is answered exactly once, answers switch from version 0 to
 * the checkpoint's version and never back, and a checkpoint whose hash does not match is refused
 * with an alert.
 */
@Tag("e2e")
class ScorerKafkaEndToEndTest {
  private static final int ENTITIES = 400;
  private static final int QUERIES = 300;
  private static final int AFTER_SWAP = 30;

  @TempDir Path tmp;

  @Test
  void aSwapInTheMiddleOfAQueryStreamLosesAndDuplicatesNothing() throws Exception {
    Path shared = Path.of(System.getProperty("kalm.shared.dir"));
    Path baseModel = shared.resolve("models/stories260K-hf");
    KgDataset dataset = KgDatasetReader.read(shared.resolve("datasets/wn18rr"));
    KafkaAndRegistry kafka = KafkaAndRegistry.shared();
    Topics topics = prefixed(Topics.defaults(), "scorer-e2e.");
    kafka.createTopics(topics.all().stream().map(ScorerKafkaEndToEndTest::newTopic).toList());
    ScorerSerdes serdes =
        ScorerSerdes.registry(new SchemaRegistryClient(RegistryConfig.of(kafka.registryUrl())));
    ScorerConfig config =
        ScorerConfig.builder(kafka.bootstrapServers(), tmp.resolve("state"))
            .applicationId("scorer-e2e")
            .topics(topics)
            .maxBatch(32)
            .searchThreads(2)
            .evalSample(200)
            .anisotropyAboveBase(0.99)
            .anisotropyDriftMargin(0.5)
            .mrrRegressionMargin(0.5)
            .httpPort(0)
            .historySize(100)
            .reindexShare(1.0)
            .checkpointRoot(tmp)
            .build();

    List<EntityDescription> entities =
        new ArrayList<>(dataset.entities().values()).subList(0, ENTITIES);
    try (KafkaProducer<String, SpecificRecord> producer = producer(kafka);
        ScorerApp app =
            ScorerApp.start(
                config,
                serdes,
                new LlamaModelLoader(
                    baseModel, new ModelOptions(Device.cpu(), DataType.FLOAT32), 160),
                TextViews.defaults())) {
      for (EntityDescription e : entities) {
        producer.send(new ProducerRecord<>(topics.entities().name(), e.getId(), e));
      }
      dataset
          .relations()
          .values()
          .forEach(
              r -> producer.send(new ProducerRecord<>(topics.relations().name(), r.getId(), r)));
      producer.flush();
      awaitTrue(
          () -> app.runtime().indexedEntities() == ENTITIES,
          Duration.ofSeconds(120),
          "initial index");
      String relation = dataset.relations().keySet().iterator().next();
      // The stream threads join their group after the global stores are loaded: wait until one
      // query is answered.
      LinkPredictionQuery warmUp =
          LinkPredictionQuery.newBuilder()
              .setQueryId("warm-up")
              .setEntityId(entities.get(0).getId())
              .setRelation(relation)
              .build();
      producer.send(new ProducerRecord<>(topics.queries().name(), warmUp.getQueryId(), warmUp));
      awaitTrue(
          () ->
              app.runtime().events().recentAnswers().stream()
                  .anyMatch(a -> a.getQueryId().equals("warm-up")),
          Duration.ofSeconds(120),
          "warm-up answer");

      CheckpointPublished good =
          RandomAdapterCheckpoint.write(baseModel, tmp.resolve("ckpt-10"), 10, 42, 0.05);
      for (int i = 0; i < QUERIES; i++) {
        if (i == QUERIES - AFTER_SWAP) {
          // The last queries go out only once the swap is done, so they must be answered by the new
          // version, and
          // every partition sees it whatever the re-index speed (30 keys miss one of 3 partitions
          // with p < 1e-4).
          app.runtime().awaitVersion(10, Duration.ofSeconds(120));
        }
        EntityDescription e = entities.get(i % ENTITIES);
        LinkPredictionQuery q =
            LinkPredictionQuery.newBuilder()
                .setQueryId("q" + i)
                .setEntityId(e.getId())
                .setRelation(relation)
                .setK(5)
                .build();
        producer.send(new ProducerRecord<>(topics.queries().name(), q.getQueryId(), q));
        if (i == QUERIES / 3) {
          producer.send(
              new ProducerRecord<>(topics.checkpoints().name(), good.getModelName(), good));
        }
        if (i >= QUERIES / 3 && app.runtime().currentVersion() != 10) {
          Thread.sleep(20); // keep queries flowing while the new index is built
        } else {
          Thread.sleep(2);
        }
      }
      producer.flush();

      List<ConsumerRecord<String, LinkPredictionAnswer>> records =
          readAnswers(kafka, serdes, topics, QUERIES + 1);
      Map<String, List<LinkPredictionAnswer>> answers =
          records.stream()
              .collect(
                  Collectors.groupingBy(
                      ConsumerRecord::key,
                      Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
      assertEquals(QUERIES + 1, answers.size(), "every query answered");
      answers.forEach((id, list) -> assertEquals(1, list.size(), "query " + id + " answered once"));
      for (LinkPredictionAnswer a : records.stream().map(ConsumerRecord::value).toList()) {
        assertEquals(null, a.getError());
        assertEquals(a.getQueryId().equals("warm-up") ? 10 : 5, a.getCandidates().size());
      }
      assertEquals(0L, answers.get("q0").get(0).getModelVersion());
      assertEquals(10L, answers.get("q" + (QUERIES - 1)).get(0).getModelVersion());
      assertTrue(
          answers.get("q" + (QUERIES / 3 + 1)).get(0).getModelVersion() == 0,
          "the old version answers while the new index is built");
      // The switch is atomic: in each partition (in answer order), version 0 never follows version
      // 10.
      Map<Integer, List<Long>> versionsByPartition =
          records.stream()
              .collect(
                  Collectors.groupingBy(
                      ConsumerRecord::partition,
                      Collectors.mapping(r -> r.value().getModelVersion(), Collectors.toList())));
      versionsByPartition.forEach(
          (partition, versions) -> {
            int firstNew = versions.indexOf(10L);
            assertTrue(firstNew > 0, "partition " + partition + " saw both versions: " + versions);
            assertTrue(
                versions.subList(firstNew, versions.size()).stream().allMatch(v -> v == 10L),
                "partition " + partition + ": " + versions);
          });

      // A checkpoint whose files do not match the announced hashes is refused and raises an alert.
      Path tampered = tmp.resolve("ckpt-20");
      CheckpointPublished bad = RandomAdapterCheckpoint.write(baseModel, tampered, 20, 7, 0.05);
      byte[] weights = Files.readAllBytes(tampered.resolve("adapter_model.safetensors"));
      weights[weights.length - 1] ^= 1;
      Files.write(tampered.resolve("adapter_model.safetensors"), weights);
      producer.send(new ProducerRecord<>(topics.checkpoints().name(), bad.getModelName(), bad));
      producer.flush();
      AnisotropyAlert alert = readAlert(kafka, serdes, topics, "CHECKPOINT_REJECTED");
      assertEquals(20, alert.getModelVersion());
      assertTrue(
          alert.getMessage().contains("sha256 mismatch for adapter_model.safetensors"),
          alert.getMessage());
      assertEquals(10, app.runtime().currentVersion());

      // The dashboard endpoints report the same state.
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://localhost:" + app.httpPort();
      String version = get(http, base + "/api/version");
      assertTrue(version.contains("\"modelVersion\":10"), version);
      String sync =
          get(
              http,
              base
                  + "/api/query?entity="
                  + entities.get(0).getId()
                  + "&relation="
                  + relation
                  + "&k=3");
      assertTrue(sync.contains("\"modelVersion\":10") && sync.contains("\"candidates\":[{"), sync);
      assertTrue(get(http, base + "/metrics").contains("kalm_scorer_queries_answered_total"));
    }
  }

  private static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url + ": " + response.body());
    return response.body();
  }

  private static Topics prefixed(Topics topics, String prefix) {
    Map<String, String> renames = new HashMap<>();
    topics.all().forEach(t -> renames.put(t.name(), prefix + t.name()));
    return topics.withOverrides(renames);
  }

  private static NewTopic newTopic(TopicSpec spec) {
    NewTopic topic = new NewTopic(spec.name(), spec.partitions(), (short) 1);
    return spec.compacted() ? topic.configs(Map.of("cleanup.policy", "compact")) : topic;
  }

  private static KafkaProducer<String, SpecificRecord> producer(KafkaAndRegistry kafka) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(
        props,
        Serdes.String().serializer(),
        new RegistryAvroSerializer<>(RegistryConfig.of(kafka.registryUrl())));
  }

  /**
   * Every answer record, in partition order; stops a few seconds after {@code expected} distinct
   * ids were seen.
   */
  private static List<ConsumerRecord<String, LinkPredictionAnswer>> readAnswers(
      KafkaAndRegistry kafka, ScorerSerdes serdes, Topics topics, int expected) {
    List<ConsumerRecord<String, LinkPredictionAnswer>> records = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    try (KafkaConsumer<String, LinkPredictionAnswer> consumer = consumer(kafka, serdes.answer())) {
      consumer.subscribe(List.of(topics.predictions().name()));
      long deadline = System.currentTimeMillis() + 120_000;
      // Read until every query is answered, then a little longer so that a duplicate would show up.
      long quietUntil = Long.MAX_VALUE;
      while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<String, LinkPredictionAnswer> r :
            consumer.poll(Duration.ofMillis(200))) {
          records.add(r);
          ids.add(r.key());
        }
        if (ids.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.currentTimeMillis() + 3000;
        }
      }
    }
    return records;
  }

  private static AnisotropyAlert readAlert(
      KafkaAndRegistry kafka, ScorerSerdes serdes, Topics topics, String kind) {
    try (KafkaConsumer<String, AnisotropyAlert> consumer = consumer(kafka, serdes.alert())) {
      consumer.subscribe(List.of(topics.alerts().name()));
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, AnisotropyAlert> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value().getKind().equals(kind)) {
            return r.value();
          }
        }
      }
    }
    throw new AssertionError("no " + kind + " alert within two minutes");
  }

  private static <V> KafkaConsumer<String, V> consumer(KafkaAndRegistry kafka, Serde<V> serde) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(props, Serdes.String().deserializer(), serde.deserializer());
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void awaitTrue(Condition condition, Duration timeout, String what)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " not reached within " + timeout);
      }
      Thread.sleep(100);
    }
  }
}
