package io.kalmstream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.TextViews;
import io.kalmstream.checkpoints.Sha256;
import io.kalmstream.schemas.AnisotropyAlert;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.Direction;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.ModelQualityMetric;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.ScoredEntity;
import io.kalmstream.schemas.Triple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

class ScorerTopologyTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private TestModelLoader loader;
  private ScorerRuntime runtime;
  private TopologyTestDriver driver;
  private ScorerSerdes serdes;
  private TestInputTopic<String, EntityDescription> entities;
  private TestInputTopic<String, RelationDescription> relations;
  private TestInputTopic<String, Triple> triples;
  private TestInputTopic<String, Triple> evalTriples;
  private TestInputTopic<String, CheckpointPublished> checkpoints;
  private TestInputTopic<String, LinkPredictionQuery> queries;
  private TestInputTopic<byte[], byte[]> rawQueries;
  private TestOutputTopic<String, LinkPredictionAnswer> predictions;
  private TestOutputTopic<String, ModelQualityMetric> metrics;
  private TestOutputTopic<String, AnisotropyAlert> alerts;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeEach
  void start(TestInfo test) {
    ScorerConfig config =
        ScorerConfig.builder("unused:9092", tmp.resolve("state"))
            .httpPort(-1)
            .anisotropyAboveBase(0.1)
            .anisotropyDriftMargin(0.05)
            .mrrRegressionMargin(0.1)
            .checkpointRoot(tmp)
            .build();
    // one test starts from a collapsed base model, as training starts from an untrained LM's
    // anisotropic embeddings
    loader =
        new TestModelLoader(
            test.getTestMethod().map(m -> m.getName().startsWith("improving")).orElse(false)
                ? 1.0
                : 0);
    runtime = new ScorerRuntime(config, loader, TextViews.defaults());
    serdes = ScorerSerdes.from(PlainAvroSerde.FACTORY);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scorer-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("streams").toString());
    driver = new TopologyTestDriver(ScorerTopology.build(config, serdes, runtime), props);
    var strings = Serdes.String();
    entities =
        driver.createInputTopic("kg.entities", strings.serializer(), serdes.entity().serializer());
    relations =
        driver.createInputTopic(
            "kg.relations", strings.serializer(), serdes.relation().serializer());
    triples =
        driver.createInputTopic("kg.triples", strings.serializer(), serdes.triple().serializer());
    evalTriples =
        driver.createInputTopic(
            "kg.eval.triples", strings.serializer(), serdes.triple().serializer());
    checkpoints =
        driver.createInputTopic(
            "kg.checkpoints", strings.serializer(), serdes.checkpoint().serializer());
    queries =
        driver.createInputTopic("kg.queries", strings.serializer(), serdes.query().serializer());
    rawQueries =
        driver.createInputTopic(
            "kg.queries", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    predictions =
        driver.createOutputTopic(
            "kg.predictions", strings.deserializer(), serdes.answer().deserializer());
    metrics =
        driver.createOutputTopic(
            "kg.metrics", strings.deserializer(), serdes.metric().deserializer());
    alerts =
        driver.createOutputTopic(
            "kg.alerts", strings.deserializer(), serdes.alert().deserializer());
    deadLetters =
        driver.createOutputTopic(
            "kg.dlq", strings.deserializer(), serdes.deadLetter().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    runtime.close();
  }

  /** Twelve animals; ids a0..a11, each sharing a "family" word with the one six places on. */
  private void loadAnimals() throws Exception {
    String[] names = {
      "cat", "dog", "horse", "sparrow", "trout", "bee", "lion", "wolf", "zebra", "eagle", "salmon",
      "wasp"
    };
    String[] families = {"felid", "canid", "equid", "passerine", "salmonid", "hymenopteran"};
    for (int i = 0; i < names.length; i++) {
      entities.pipeInput("a" + i, entity("a" + i, names[i], families[i % 6]));
    }
    relations.pipeInput(
        "related",
        RelationDescription.newBuilder()
            .setId("related")
            .setName("related to")
            .setDescription("")
            .build());
    relations.pipeInput(
        "eats",
        RelationDescription.newBuilder().setId("eats").setName("eats").setDescription("").build());
    runtime.awaitIndexed();
    // The base model's measurement is queued as its index fills; it must not race the eval triples
    // a test sends
    // next, or the base's MRR would come from whichever of them had arrived.
    runtime.awaitMeasured();
  }

  private static EntityDescription entity(String id, String name, String description) {
    return EntityDescription.newBuilder()
        .setId(id)
        .setName(name)
        .setDescription(description)
        .build();
  }

  private static LinkPredictionQuery query(String id, String entity, String relation, int k) {
    return LinkPredictionQuery.newBuilder()
        .setQueryId(id)
        .setEntityId(entity)
        .setRelation(relation)
        .setK(k)
        .build();
  }

  private static Triple triple(String h, String r, String t) {
    return Triple.newBuilder().setHead(h).setRelation(r).setTail(t).build();
  }

  /** Lets the linger punctuation answer buffered queries and forward raised events. */
  private void punctuate() {
    driver.advanceWallClockTime(Duration.ofMillis(50));
  }

  private CheckpointPublished announce(long version, Map<String, String> files, Path dir) {
    return CheckpointPublished.newBuilder()
        .setModelName("kalm")
        .setVersion(version)
        .setUri(dir.toUri().toString())
        .setFiles(files)
        .setBaseModel("test-base")
        .setCreatedAt(Instant.now())
        .build();
  }

  private LinkPredictionAnswer ask(LinkPredictionQuery q) {
    queries.pipeInput(q.getQueryId(), q);
    punctuate();
    return predictions.readValue();
  }

  @Test
  void queriesArrivingTogetherShareOneForwardPassAndNameTheirVersion() throws Exception {
    loadAnimals();
    HashingEmbedder base = loader.loaded.get(0);
    int callsBefore = base.calls.get();
    queries.pipeInput("q1", query("q1", "a0", "related", 3));
    queries.pipeInput("q2", query("q2", "a1", "related", 5));
    queries.pipeInput("q3", query("q3", "a2", "eats", 12));
    assertTrue(predictions.isEmpty(), "queries wait for the linger punctuation");
    punctuate();
    List<LinkPredictionAnswer> answers = predictions.readValuesToList();
    assertEquals(
        List.of("q1", "q2", "q3"), answers.stream().map(LinkPredictionAnswer::getQueryId).toList());
    assertEquals(1, base.calls.get() - callsBefore, "one forward pass for the three queries");
    assertEquals(3, base.batchSizes.get(base.batchSizes.size() - 1));
    assertEquals(List.of(3, 5, 12), answers.stream().map(a -> a.getCandidates().size()).toList());
    for (LinkPredictionAnswer a : answers) {
      assertEquals(0, a.getModelVersion());
      assertNull(a.getError());
      List<Float> scores = a.getCandidates().stream().map(ScoredEntity::getScore).toList();
      for (int i = 1; i < scores.size(); i++) {
        assertTrue(scores.get(i - 1) >= scores.get(i), "best first: " + scores);
      }
    }
    // cat's own text and its family mate lion (a6) share the most words with "[cat, ..., related
    // to]".
    assertEquals(
        Set.of("a0", "a6"),
        answers.get(0).getCandidates().subList(0, 2).stream()
            .map(ScoredEntity::getEntityId)
            .collect(Collectors.toSet()));
    assertEquals(
        "cat",
        answers.get(0).getCandidates().stream()
            .filter(c -> c.getEntityId().equals("a0"))
            .findFirst()
            .orElseThrow()
            .getName());
  }

  @Test
  void filteringRemovesKnownAnswersAndRetractionRestoresThem() throws Exception {
    loadAnimals();
    triples.pipeInput("a0\trelated\ta6", triple("a0", "related", "a6"));
    LinkPredictionQuery filtered =
        LinkPredictionQuery.newBuilder(query("f1", "a0", "related", 12))
            .setFilterKnown(true)
            .build();
    assertFalse(ids(ask(filtered)).contains("a6"));
    assertTrue(
        ids(ask(query("f2", "a0", "related", 12))).contains("a6"), "unfiltered queries keep it");
    LinkPredictionQuery headQuery =
        LinkPredictionQuery.newBuilder(query("f3", "a6", "related", 12))
            .setDirection(Direction.HEAD)
            .setFilterKnown(true)
            .build();
    assertFalse(ids(ask(headQuery)).contains("a0"), "head direction filters known heads");
    triples.pipeInput("a0\trelated\ta6", (Triple) null);
    assertTrue(
        ids(ask(LinkPredictionQuery.newBuilder(filtered).setQueryId("f4").build())).contains("a6"));
  }

  private static List<String> ids(LinkPredictionAnswer a) {
    return a.getCandidates().stream().map(ScoredEntity::getEntityId).toList();
  }

  @Test
  void badQueriesGetAnErrorOrGoToTheDeadLetterQueueAndTheScorerKeepsAnswering() throws Exception {
    loadAnimals();
    queries.pipeInput("b1", query("b1", "nope", "related", 3));
    queries.pipeInput("b2", query("b2", "a0", "unknown-rel", 3));
    queries.pipeInput("b3", query("b3", "a0", "related", 0));
    queries.pipeInput("b4", query("b4", "a0", "related", 1001));
    queries.pipeInput(
        "b5",
        LinkPredictionQuery.newBuilder()
            .setQueryId("b5")
            .setEntityId("a0")
            .setEntityText("cat")
            .setRelation("related")
            .build());
    rawQueries.pipeInput(
        "b6".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8));
    queries.pipeInput(
        "ok",
        LinkPredictionQuery.newBuilder()
            .setQueryId("ok")
            .setEntityText("a striped equid")
            .setRelation("related")
            .setK(2)
            .build());
    punctuate();
    Map<String, LinkPredictionAnswer> answers =
        predictions.readValuesToList().stream()
            .collect(Collectors.toMap(LinkPredictionAnswer::getQueryId, a -> a));
    assertEquals(Set.of("b1", "b2", "b3", "b4", "b5", "ok"), answers.keySet());
    assertEquals("unknown entity nope", answers.get("b1").getError());
    assertEquals("unknown relation unknown-rel", answers.get("b2").getError());
    assertTrue(answers.get("b3").getError().startsWith("k out of range"));
    assertTrue(answers.get("b4").getError().startsWith("k out of range"));
    assertTrue(answers.get("b5").getError().contains("exactly one"));
    assertTrue(answers.get("b1").getCandidates().isEmpty());
    assertNull(answers.get("ok").getError());
    assertEquals(2, answers.get("ok").getCandidates().size());
    punctuate();
    DeadLetter dead = deadLetters.readValue();
    assertEquals("kg.queries", dead.getSourceTopic());
    assertTrue(dead.getReason().startsWith("undecodable query"));
    assertEquals("not avro", StandardCharsets.UTF_8.decode(dead.getValue()).toString());
    assertEquals(5, dead.getSourceOffset(), "offset of the bad record");
  }

  @Test
  void aBadCatalogRecordIsSkippedAndCountedButLeftToTheIngestJobToDeadLetter() {
    TestInputTopic<byte[], byte[]> rawTriples =
        driver.createInputTopic(
            "kg.triples",
            new org.apache.kafka.common.serialization.ByteArraySerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer());
    rawTriples.pipeInput(
        "t".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8));
    punctuate();
    assertTrue(
        deadLetters.isEmpty(),
        "one dead letter per bad record, and kg.triples' is the ingest job's");
    assertTrue(
        runtime
            .events()
            .registry()
            .scrape()
            .contains("kalm_scorer_skipped_records_total{topic=\"kg.triples\"} 1.0"));
  }

  @Test
  void aFailingForwardPassAnswersItsBatchWithAnErrorAndTheNextBatchIsServed() throws Exception {
    loadAnimals();
    queries.pipeInput(
        "fail",
        LinkPredictionQuery.newBuilder()
            .setQueryId("fail")
            .setEntityText(HashingEmbedder.FAILING_WORD)
            .setRelation("related")
            .build());
    punctuate();
    LinkPredictionAnswer failed = predictions.readValue();
    assertTrue(failed.getError().startsWith("scoring failed"), failed.getError());
    assertEquals(-1, failed.getModelVersion());
    LinkPredictionAnswer next = ask(query("next", "a0", "related", 1));
    assertNull(next.getError());
    assertTrue(predictions.isEmpty(), "the failed batch is not retried");
  }

  @Test
  void aCheckpointWithAWrongHashIsRefusedWithAnAlert() throws Exception {
    loadAnimals();
    Path dir = tmp.resolve("ckpt-7");
    Map<String, String> files =
        new java.util.HashMap<>(TestModelLoader.writeCheckpoint(dir, 7, 0, false));
    files.put("adapter_model.safetensors", "0".repeat(64));
    checkpoints.pipeInput("kalm", announce(7, files, dir));
    ExecutionException refused =
        assertThrows(ExecutionException.class, () -> runtime.awaitVersion(7, WAIT));
    assertTrue(
        refused.getCause().getMessage().contains("sha256 mismatch for adapter_model.safetensors"));
    assertEquals(1, loader.loaded.size(), "nothing was loaded from the refused checkpoint");
    punctuate();
    AnisotropyAlert alert =
        alerts.readValuesToList().stream()
            .filter(a -> a.getKind().equals("CHECKPOINT_REJECTED"))
            .findFirst()
            .orElseThrow();
    assertEquals(7, alert.getModelVersion());
    assertTrue(alert.getMessage().contains("sha256 mismatch"));
    assertEquals(0, ask(query("after", "a0", "related", 1)).getModelVersion());
  }

  @Test
  void aRefusedCheckpointWithAHugeVersionDoesNotHoldBackTheNextValidOne() throws Exception {
    loadAnimals();
    Path bogus = tmp.resolve("ckpt-huge");
    Map<String, String> files =
        new java.util.HashMap<>(TestModelLoader.writeCheckpoint(bogus, 9, 0, false));
    files.put("adapter_model.safetensors", "0".repeat(64));
    checkpoints.pipeInput("kalm", announce(Long.MAX_VALUE, files, bogus));
    assertThrows(ExecutionException.class, () -> runtime.awaitVersion(Long.MAX_VALUE, WAIT));
    Path good = tmp.resolve("ckpt-5");
    checkpoints.pipeInput(
        "kalm", announce(5, TestModelLoader.writeCheckpoint(good, 5, 0, false), good));
    runtime.awaitVersion(5, WAIT);
    assertEquals(5, ask(query("after", "a0", "related", 1)).getModelVersion());
  }

  @Test
  void everyUntrustworthyCheckpointIsRefusedWithAnAlertAndTheNextValidOneLoads() throws Exception {
    loadAnimals();
    Path outside = java.nio.file.Files.createTempDirectory("kalm-outside-root");
    try {
      Path elsewhere = outside.resolve("ckpt-2");
      checkpoints.pipeInput(
          "kalm", announce(2, TestModelLoader.writeCheckpoint(elsewhere, 2, 0, false), elsewhere));
      Path link = java.nio.file.Files.createSymbolicLink(tmp.resolve("ckpt-3"), elsewhere);
      checkpoints.pipeInput(
          "kalm", announce(3, TestModelLoader.writeCheckpoint(elsewhere, 2, 0, false), link));
      Path huge = tmp.resolve("ckpt-huge");
      checkpoints.pipeInput(
          "kalm",
          announce(Long.MAX_VALUE, TestModelLoader.writeCheckpoint(huge, 9, 0, false), huge));
      Path truncated = tmp.resolve("ckpt-4");
      TestModelLoader.writeCheckpoint(truncated, 4, 0, false);
      Path weights = truncated.resolve("adapter_model.safetensors");
      java.nio.file.Files.write(
          weights, java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(weights), 30));
      Map<String, String> truncatedFiles =
          Map.of(
              "adapter_config.json",
              Sha256.ofFile(truncated.resolve("adapter_config.json")),
              "adapter_model.safetensors",
              Sha256.ofFile(weights));
      checkpoints.pipeInput("kalm", announce(4, truncatedFiles, truncated));
      for (long version : new long[] {2, 3, Long.MAX_VALUE, 4}) {
        assertThrows(
            ExecutionException.class,
            () -> runtime.awaitVersion(version, WAIT),
            "version " + version);
      }
      Path good = tmp.resolve("ckpt-5");
      checkpoints.pipeInput(
          "kalm", announce(5, TestModelLoader.writeCheckpoint(good, 5, 0, false), good));
      runtime.awaitVersion(5, WAIT);
      assertEquals(5, ask(query("after", "a0", "related", 1)).getModelVersion());
      punctuate();
      Map<Long, String> reasons = new java.util.HashMap<>();
      alerts.readValuesToList().stream()
          .filter(a -> a.getKind().equals("CHECKPOINT_REJECTED"))
          .forEach(a -> reasons.put(a.getModelVersion(), a.getMessage()));
      assertTrue(reasons.get(2L).contains("outside the checkpoint store root"), reasons.toString());
      assertTrue(reasons.get(3L).contains("outside the checkpoint store root"), reasons.toString());
      assertTrue(
          reasons.get(Long.MAX_VALUE).contains("not a plausible successor"), reasons.toString());
      assertTrue(reasons.get(4L).contains("is not a safetensors file"), reasons.toString());
      assertEquals(2, loader.loaded.size(), "only the base model and version 5 were loaded");
    } finally {
      try (var paths = java.nio.file.Files.walk(outside)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  @Test
  void theOldVersionAnswersUntilTheNewIndexIsCompleteThenAnswersSwitch() throws Exception {
    loadAnimals();
    loader.gate = new CountDownLatch(1);
    Path dir = tmp.resolve("ckpt-3");
    checkpoints.pipeInput(
        "kalm", announce(3, TestModelLoader.writeCheckpoint(dir, 3, 0, false), dir));
    assertEquals(0, ask(query("during", "a0", "related", 2)).getModelVersion());
    loader.gate.countDown();
    runtime.awaitVersion(3, WAIT);
    LinkPredictionAnswer after = ask(query("after", "a0", "related", 2));
    assertEquals(3, after.getModelVersion());
    assertTrue(loader.loaded.get(0).closed, "the base model is closed once no batch uses it");
    // A new entity is answerable at once under the new version, without a new checkpoint.
    entities.pipeInput("a12", entity("a12", "ocelot", "a spotted felid of the americas"));
    runtime.awaitIndexed();
    LinkPredictionAnswer withNew =
        ask(
            LinkPredictionQuery.newBuilder()
                .setQueryId("new")
                .setEntityText("ocelot, a spotted felid")
                .setRelation("related")
                .setK(1)
                .build());
    assertEquals("a12", withNew.getCandidates().get(0).getEntityId());
    assertEquals(3, withNew.getModelVersion());
    // An older or equal version announced later is ignored.
    checkpoints.pipeInput(
        "kalm",
        announce(
            2,
            TestModelLoader.writeCheckpoint(tmp.resolve("ckpt-2"), 2, 0, false),
            tmp.resolve("ckpt-2")));
    assertEquals(2, loader.loaded.size());
  }

  @Test
  void improvingRunRaisesNoAlertAndARegressingCheckpointDoes() throws Exception {
    loadAnimals();
    for (int i = 0; i < 6; i++) {
      evalTriples.pipeInput(
          "a" + i + "\trelated\ta" + (i + 6), triple("a" + i, "related", "a" + (i + 6)));
    }
    runtime.awaitMeasured(); // the base model ranks them live before a checkpoint can take over
    // versions 1..3 spread the embeddings out more and more, as KaLM training does from a collapsed
    // base
    double[] collapse = {0.8, 0.5, 0.2};
    for (int v = 1; v <= collapse.length; v++) {
      Path dir = tmp.resolve("improving-" + v);
      checkpoints.pipeInput(
          "kalm",
          announce(v, TestModelLoader.writeCheckpoint(dir, 0, collapse[v - 1], false), dir));
      runtime.awaitVersion(v, WAIT);
      runtime.awaitMeasured();
    }
    punctuate();
    List<ModelQualityMetric> measured = metrics.readValuesToList();
    assertTrue(
        last(measured, 0, "anisotropy").getValue()
            > last(measured, 3, "anisotropy").getValue() + 0.1,
        "anisotropy fell over the run");
    assertEquals(List.of(), alerts.readValuesToList(), "an improving run raises no alert");

    Path bad = tmp.resolve("regressed");
    checkpoints.pipeInput(
        "kalm", announce(4, TestModelLoader.writeCheckpoint(bad, 0, 3.0, false), bad));
    runtime.awaitVersion(4, WAIT);
    runtime.awaitMeasured();
    punctuate();
    Map<String, AnisotropyAlert> raised =
        alerts.readValuesToList().stream()
            .collect(Collectors.toMap(AnisotropyAlert::getKind, a -> a, (a, b) -> b));
    assertTrue(
        raised.keySet().containsAll(Set.of("ANISOTROPY_HIGH", "ANISOTROPY_DRIFT")),
        raised.keySet().toString());
    assertEquals(4, raised.get("ANISOTROPY_HIGH").getModelVersion());
    assertEquals(
        0L, raised.get("ANISOTROPY_HIGH").getPreviousVersion(), "measured against the base model");
    assertEquals(
        3L,
        raised.get("ANISOTROPY_DRIFT").getPreviousVersion(),
        "drift from the least anisotropic version");
  }

  @Test
  void liveQualityMetricsPerVersionAndDriftAndRegressionAlerts() throws Exception {
    loadAnimals();
    for (int i = 0; i < 6; i++) {
      String key = "a" + i + "\trelated\ta" + (i + 6);
      evalTriples.pipeInput(key, triple("a" + i, "related", "a" + (i + 6)));
    }
    runtime.awaitMeasured(); // the base model ranks them live before a checkpoint can take over
    Path good = tmp.resolve("ckpt-1");
    checkpoints.pipeInput(
        "kalm", announce(1, TestModelLoader.writeCheckpoint(good, 1, 0, false), good));
    runtime.awaitVersion(1, WAIT);
    runtime.awaitMeasured();
    punctuate();
    assertEquals(
        List.of(),
        alerts.readValuesToList(),
        "a version as good as the base model raises no alert");
    Path broken = tmp.resolve("ckpt-2");
    checkpoints.pipeInput(
        "kalm", announce(2, TestModelLoader.writeCheckpoint(broken, 2, 3.0, true), broken));
    runtime.awaitVersion(2, WAIT);
    runtime.awaitMeasured();
    punctuate();
    List<ModelQualityMetric> measured = metrics.readValuesToList();
    ModelQualityMetric mrr1 = last(measured, 1, "mrr");
    ModelQualityMetric mrr2 = last(measured, 2, "mrr");
    assertEquals(
        12, mrr1.getSampleSize(), "six eval triples ranked in both directions under version 1");
    assertTrue(mrr1.getValue() > mrr2.getValue() + 0.02, mrr1 + " vs " + mrr2);
    for (String name :
        List.of("mr", "hits1", "hits3", "hits10", "anisotropy", "alignment", "uniformity")) {
      last(measured, 1, name);
    }
    assertTrue(last(measured, 2, "anisotropy").getValue() > 0.6);
    List<AnisotropyAlert> raisedList = alerts.readValuesToList();
    Map<String, AnisotropyAlert> raised =
        raisedList.stream()
            .collect(Collectors.toMap(AnisotropyAlert::getKind, a -> a, (a, b) -> b));
    assertEquals(Set.of("ANISOTROPY_HIGH", "ANISOTROPY_DRIFT", "MRR_REGRESSION"), raised.keySet());
    assertEquals(2, raised.get("MRR_REGRESSION").getModelVersion());
    assertEquals(1L, raised.get("MRR_REGRESSION").getPreviousVersion());
    assertEquals(
        1L, raised.get("ANISOTROPY_DRIFT").getPreviousVersion(), "drift from the lowest so far");
    assertEquals(
        0L, raised.get("ANISOTROPY_HIGH").getPreviousVersion(), "measured against the base model");
    // A held-out triple arriving later updates the current version's rolling figures.
    evalTriples.pipeInput("a0\teats\ta6", triple("a0", "eats", "a6"));
    runtime.awaitMeasured();
    punctuate();
    assertEquals(14, last(metrics.readValuesToList(), 2, "mrr").getSampleSize());
  }

  private static ModelQualityMetric last(List<ModelQualityMetric> all, long version, String name) {
    return all.stream()
        .filter(m -> m.getModelVersion() == version && m.getName().equals(name))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no " + name + " for version " + version));
  }
}
