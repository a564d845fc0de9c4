package io.kalmstream.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.Examples;
import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.cli.load.DatasetLoader;
import io.kalmstream.cli.testing.CommittedRecords;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every kind of bad input against the whole pipeline on a real broker ({@code kalm local}'s,
 * without its loader): each bad record lands exactly once in kg.dlq with its reason, the good
 * triples are each trained, held out, retracted or dead-lettered exactly once, and the trainer and
 * the scorer go on. Then the pipeline is stopped and started again on the same directories and a
 * second round goes in: still exactly once, nothing re-emitted.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCorpusTest {
  private static final Duration PATIENCE = Duration.ofMinutes(6);
  private static final int SLICE = 60;
  private static final String TRAINER_GROUP = "kalm-trainer";

  private final Topics topics = Topics.defaults();
  private final List<BadInputCorpus> rounds = new ArrayList<>();
  private KgDataset wn;
  private LocalSettings settings;
  private LocalPipeline pipeline;

  @BeforeAll
  void startPipeline() throws Exception {
    Path shared = Path.of(System.getProperty("kalm.shared.dir"));
    wn = KgDatasetReader.read(shared.resolve("datasets/wn18rr"));
    Path workDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bad-input-");
    // a description wait of seconds, so the triple whose description never comes is dead-lettered
    // within the test
    var ingest =
        LocalPipeline.ingestConfig(8, 2).toBuilder()
            .descriptionWait(Duration.ofSeconds(15))
            .build();
    settings =
        new LocalSettings(
            workDir,
            shared.resolve("models/stories260K-hf"),
            shared.resolve("datasets/wn18rr"),
            false,
            LocalSettings.DEFAULT_SLICE,
            0,
            ingest,
            LocalSettings.trainerSettings(5),
            4,
            Duration.ofSeconds(30),
            20,
            0,
            "127.0.0.1",
            0,
            Duration.ofSeconds(1),
            false);
    pipeline = LocalPipeline.start(settings);
  }

  @AfterAll
  void stopPipeline() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void everyBadRecordIsDeadLetteredOnceAndTrainingAndScoringGoOn() throws Exception {
    long versionBefore = newestCheckpoint();
    rounds.add(BadInputCorpus.send(pipeline.connection(), topics, wn, 0, SLICE, "r1"));
    awaitAccounted();
    assertTrainingAndScoringGoOn(versionBefore);
  }

  @Test
  @Order(2)
  void theSameAfterARestart() throws Exception {
    pipeline.close();
    pipeline = null;
    pipeline = LocalPipeline.start(settings);
    long versionBefore = newestCheckpoint();
    rounds.add(BadInputCorpus.send(pipeline.connection(), topics, wn, SLICE, SLICE, "r2"));
    awaitAccounted();
    assertTrainingAndScoringGoOn(versionBefore);
  }

  /**
   * Waits until every bad record has a dead letter and every triple an outcome, then checks the
   * accounting, and once more after a quiet while, when a late duplicate would have shown up.
   */
  private void awaitAccounted() throws Exception {
    awaitTrue(
        () -> pending().isEmpty(),
        "every bad record dead-lettered and every triple accounted for",
        this::pending);
    assertAccounted();
    Thread.sleep(3 * LocalSettings.DEFAULT_FLINK_CHECKPOINT_INTERVAL.toMillis());
    assertAccounted();
  }

  /** What has not arrived yet: bad records without a dead letter, triples in no outcome. */
  private String pending() {
    Map<String, List<DeadLetter>> letters = deadLetters();
    List<String> missing = new ArrayList<>();
    Map<String, List<String>> places = places();
    for (BadInputCorpus round : rounds) {
      round.bad.stream()
          .filter(b -> !letters.containsKey(b.coordinates()))
          .forEach(b -> missing.add(b.kind() + " at " + b.coordinates()));
      round.triples.forEach(
          (id, sent) -> {
            if (!places.containsKey(id)
                && !letters.containsKey(sent.coordinates())
                && !round.retracted.contains(id)) {
              missing.add("triple " + id.replace('\t', ' '));
            }
          });
    }
    return missing.isEmpty()
        ? ""
        : missing.size() + " not yet: " + missing.subList(0, Math.min(5, missing.size()));
  }

  private void assertAccounted() {
    Map<String, List<DeadLetter>> letters = deadLetters();
    List<String> problems = new ArrayList<>();
    List<String> report = new ArrayList<>();
    int badRecords = 0;
    for (BadInputCorpus round : rounds) {
      for (BadInputCorpus.Sent b : round.bad) {
        badRecords++;
        List<DeadLetter> found = letters.getOrDefault(b.coordinates(), List.of());
        if (found.size() != 1) {
          problems.add(
              b.kind() + " at " + b.coordinates() + " has " + found.size() + " dead letters");
          continue;
        }
        String reason = found.get(0).getReason();
        if (!reason.contains(b.reasonFragment())) {
          problems.add(b.kind() + ": '" + b.reasonFragment() + "' not in " + reason);
        }
        report.add(
            String.format(
                "%-55s %-8s %s",
                b.kind(),
                found.get(0).getComponent(),
                reason.length() > 150 ? reason.substring(0, 150) + "..." : reason));
      }
    }
    letters.forEach(
        (where, found) -> {
          if (found.size() != 1) {
            problems.add(found.size() + " dead letters for the record at " + where);
          }
        });
    assertEquals(List.of(), problems, "each bad record exactly once in kg.dlq with its reason");

    Map<String, String> outcome = tripleOutcomes(letters);
    Map<String, Long> tally =
        outcome.values().stream()
            .collect(
                Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    long produced = rounds.stream().mapToLong(r -> r.triples.size()).sum();
    assertEquals(
        produced,
        tally.values().stream().mapToLong(Long::longValue).sum(),
        "trained + held out + retracted + dead-lettered = produced: " + tally);
    assertTrue(
        tally.getOrDefault("trained", 0L) > SLICE * rounds.size() / 2,
        "most triples train: " + tally);
    System.out.printf(
        "bad-input corpus after %d round(s): %d bad records, each dead-lettered once;"
            + " %d triple records produced: %s%n  %s%n",
        rounds.size(), badRecords, produced, tally, String.join("\n  ", report));
  }

  private Map<String, List<DeadLetter>> deadLetters() {
    return CommittedRecords.values(
            pipeline.connection(), topics.deadLetters().name(), DeadLetter.class)
        .stream()
        .collect(
            Collectors.groupingBy(
                d ->
                    BadInputCorpus.coordinatesOf(
                        d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset()),
                TreeMap::new,
                Collectors.toList()));
  }

  /**
   * Where the batch and eval topics put each triple id: "trained" per live pair, "held out" per
   * eval triple.
   */
  private Map<String, List<String>> places() {
    Map<String, List<String>> places = new HashMap<>();
    // the corpus wrote bad batches to this topic too
    for (ConsumerRecord<String, ContrastiveBatch> batch :
        CommittedRecords.readDecodable(
            pipeline.connection(), topics.contrastiveBatches().name(), ContrastiveBatch.class)) {
      for (ContrastivePair pair : batch.value().getPairs()) {
        if (!pair.getReplayed() && !pair.getInverse()) {
          places
              .computeIfAbsent(Examples.sourceTripleId(pair), k -> new ArrayList<>())
              .add("trained");
        }
      }
    }
    for (ConsumerRecord<String, Triple> r :
        CommittedRecords.read(pipeline.connection(), topics.evalTriples().name(), Triple.class)) {
      places
          .computeIfAbsent(r.key(), k -> new ArrayList<>())
          .add(r.value() == null ? "eval-retracted" : "held out");
    }
    return places;
  }

  /** Where each produced triple record ended; fails when one ended in two places or nowhere. */
  private Map<String, String> tripleOutcomes(Map<String, List<DeadLetter>> letters) {
    Map<String, List<String>> places = places();
    Map<String, String> outcome = new HashMap<>();
    for (BadInputCorpus round : rounds) {
      for (Map.Entry<String, BadInputCorpus.Sent> t : round.triples.entrySet()) {
        List<String> where = new ArrayList<>(places.getOrDefault(t.getKey(), List.of()));
        if (letters.containsKey(t.getValue().coordinates())) {
          where.add("dead-lettered");
        }
        if (round.retracted.contains(t.getKey())) {
          where.add("retracted");
        }
        assertEquals(
            1,
            where.size(),
            t.getValue().kind() + " " + t.getKey().replace('\t', ' ') + " ended in " + where);
        outcome.put(t.getKey(), where.get(0));
      }
    }
    return outcome;
  }

  /**
   * The trainer has committed positions past the bad batches and published a newer checkpoint; the
   * scorer answers a query sent after the bad ones on their partition.
   */
  private void assertTrainingAndScoringGoOn(long versionBefore) throws Exception {
    BadInputCorpus round = rounds.get(rounds.size() - 1);
    awaitTrue(
        () -> trainerReadPast(round), "the trainer's committed positions beyond the bad batches");
    awaitTrue(
        () -> newestCheckpoint() > versionBefore, "a checkpoint newer than v" + versionBefore);

    String queryId = "corpus-query-after-bad-input-" + rounds.size();
    LinkPredictionQuery query =
        LinkPredictionQuery.newBuilder()
            .setQueryId(queryId)
            .setEntityId(round.queryEntity)
            .setRelation(round.queryRelation)
            .setK(10)
            .build();
    try (Producer<String, SpecificRecord> producer =
        DatasetLoader.producer(pipeline.connection())) {
      producer.send(new ProducerRecord<>(topics.queries().name(), 0, queryId, query)).get();
    }
    awaitTrue(() -> answerTo(queryId) != null, "the answer to " + queryId);
    LinkPredictionAnswer answer = answerTo(queryId);
    assertNull(answer.getError(), "answered: " + answer);
    assertEquals(10, answer.getCandidates().size());
    assertTrue(answer.getModelVersion() >= 0);
  }

  /** Whether the trainer's committed positions lie beyond every bad batch of the round. */
  private boolean trainerReadPast(BadInputCorpus round) {
    try (Admin admin = Admin.create(pipeline.connection().clientConfig())) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(TRAINER_GROUP).partitionsToOffsetAndMetadata().get();
      return round.bad.stream()
          .filter(
              b ->
                  b.topic().equals(topics.contrastiveBatches().name())
                      || b.topic().equals(topics.instructionBatches().name()))
          .allMatch(
              b -> {
                OffsetAndMetadata position =
                    committed.get(new TopicPartition(b.topic(), b.partition()));
                return position != null && position.offset() > b.offset();
              });
    } catch (Exception e) {
      return false;
    }
  }

  private long newestCheckpoint() {
    return CommittedRecords.values(
            pipeline.connection(), topics.checkpoints().name(), CheckpointPublished.class)
        .stream()
        .mapToLong(CheckpointPublished::getVersion)
        .max()
        .orElse(0);
  }

  private LinkPredictionAnswer answerTo(String queryId) {
    return CommittedRecords.values(
            pipeline.connection(), topics.predictions().name(), LinkPredictionAnswer.class)
        .stream()
        .filter(a -> a.getQueryId().equals(queryId))
        .findFirst()
        .orElse(null);
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws Exception {
    awaitTrue(condition, what, () -> "");
  }

  private static void awaitTrue(BooleanSupplier condition, String what, Supplier<String> state)
      throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + " " + state.get());
      }
      Thread.sleep(2000);
    }
  }
}
