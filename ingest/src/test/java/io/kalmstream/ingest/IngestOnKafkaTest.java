package io.kalmstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.kafka.TopicSpec;
import io.kalmstream.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The job on a real KRaft broker and a real schema registry, on Flink MiniClusters. A WN18RR slice
 * goes in with its descriptions after its triples; a failure-free run accounts for every triple
 * exactly once, and a run that is cancelled mid-stream and restored from its last retained
 * checkpoint emits the same batches.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestOnKafkaTest {
  private static final long RAW_RECORD_TIME = KgSlice.START + 1;

  private final KafkaFixture kafka = new KafkaFixture();
  private final IngestConfig config =
      IngestJobTest.testConfig().toBuilder().checkpointInterval(Duration.ofMillis(500)).build();
  private KgSlice slice;
  private Topics topics;
  private Path work;
  private List<ContrastiveBatch> referenceBatches;
  private List<InstructionBatch> referenceInstructions;

  @BeforeAll
  void loadSliceAndRunWithoutFailure() throws Exception {
    work = Files.createTempDirectory("ingest-kafka-test");
    topics = kafka.createTopics("ingest-test");
    slice =
        KgSlice.wn18rr(200, 5)
            .withClosingRecords(topics.triples().partitions(), topics.entities().partitions());
    kafka.produce(topics, slice);
    kafka.produceRaw(
        topics.triples().name(),
        "garbage".getBytes(StandardCharsets.UTF_8),
        new byte[] {0, 0, 0, 0, 42, 1},
        RAW_RECORD_TIME);

    KafkaSettings settings = settings(topics, "reference");
    JobClient job =
        start(IngestKafka.job(config, settings), work.resolve("reference"), Optional.empty());
    job.getJobExecutionResult().get();
    referenceBatches =
        KafkaFixture.values(
            kafka.readCommitted(topics.contrastiveBatches().name(), ContrastiveBatch.class));
    referenceInstructions =
        KafkaFixture.values(
            kafka.readCommitted(topics.instructionBatches().name(), InstructionBatch.class));
  }

  @Test
  void everyTripleIsInABatchHeldOutRetractedOrDeadLetteredExactlyOnce() {
    List<ConsumerRecord<String, Triple>> eval =
        kafka.readCommitted(topics.evalTriples().name(), Triple.class);
    List<DeadLetter> deadLetters =
        KafkaFixture.values(kafka.readCommitted(topics.deadLetters().name(), DeadLetter.class));
    List<String> evalIds =
        eval.stream().filter(r -> r.value() != null).map(ConsumerRecord::key).toList();

    Map<String, String> outcomes =
        Accounting.outcomes(slice, referenceBatches, evalIds, deadLetters);
    Set<String> trained =
        outcomes.entrySet().stream()
            .filter(e -> e.getValue().equals("batch"))
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    Accounting.assertWellFormed(referenceBatches, referenceInstructions, config.policy(), trained);
    assertTrue(trained.size() > 120, "most of the slice trains: " + trained.size());
    assertTrue(evalIds.size() > 20, "about a fifth is held out: " + evalIds.size());

    DeadLetter garbage =
        deadLetters.stream()
            .filter(
                d ->
                    d.getSourceTopic().equals(topics.triples().name())
                        && d.getKey() != null
                        && new String(d.getKey().array(), StandardCharsets.UTF_8).equals("garbage"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        garbage.getReason().toLowerCase(Locale.ROOT).contains("schema"), garbage.getReason());
    assertEquals(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 42, 1}), garbage.getValue());
    assertTrue(garbage.getSourceOffset() >= 0);
    assertTrue(
        deadLetters.stream()
            .anyMatch(
                d ->
                    d.getReason().contains("oversized")
                        && d.getSourceTopic().equals(topics.entities().name())));
  }

  @Test
  void cancelledMidStreamAndRestoredFromTheLastCheckpointEmitsTheSameBatches() throws Exception {
    Topics restored = outputsUnder(topics, "restored");
    // unbounded, as in production; the slice's closing records carry the watermark past every
    // timeout. After the
    // restore, partitions the first run had read to the end send nothing more: idleness lets the
    // watermark pass
    // them. It is long enough that no partition with records left is ever idle, so no record is
    // late.
    IngestConfig unbounded = config.toBuilder().idleness(Duration.ofSeconds(10)).build();
    KafkaSettings settings = settings(restored, "restored").withBounded(false);
    // small polls, so checkpoint barriers get between the throttled records
    KafkaSettings throttled = settings.withClientProperty("max.poll.records", "4");
    Path checkpoints = work.resolve("restored");
    ThrottledReader slow =
        new ThrottledReader(
            new KgRecordDeserializer(
                topics.triples().name(),
                topics.entities().name(),
                topics.relations().name(),
                kafka.registry),
            15);

    JobClient first =
        start(
            IngestKafka.job(unbounded, settings, IngestKafka.source(throttled, slow)),
            checkpoints,
            Optional.empty());
    int committedBeforeKill = awaitBatches(restored, 1, first);
    while (LocalFlink.latestCheckpoint(checkpoints).isEmpty()) {
      Thread.sleep(100);
    }
    first.cancel().get();
    assertTrue(
        committedBeforeKill < referenceBatches.size(),
        "killed mid-stream: "
            + committedBeforeKill
            + " of "
            + referenceBatches.size()
            + " batches were out");

    Path checkpoint = LocalFlink.latestCheckpoint(checkpoints).orElseThrow();
    JobClient second =
        start(IngestKafka.job(unbounded, settings), checkpoints, Optional.of(checkpoint));
    awaitBatches(restored, referenceBatches.size(), second);
    // two more checkpoints: a duplicate would be committed by now
    Thread.sleep(3 * config.checkpointInterval().toMillis());
    second.cancel().get();

    List<ContrastiveBatch> batches =
        KafkaFixture.values(
            kafka.readCommitted(restored.contrastiveBatches().name(), ContrastiveBatch.class));
    List<InstructionBatch> instructions =
        KafkaFixture.values(
            kafka.readCommitted(restored.instructionBatches().name(), InstructionBatch.class));
    assertEquals(batches.size(), new HashSet<>(batches).size(), "no batch is emitted twice");
    assertEquals(new HashSet<>(referenceBatches), new HashSet<>(batches));
    assertEquals(new HashSet<>(referenceInstructions), new HashSet<>(instructions));
  }

  /**
   * Waits until at least {@code count} contrastive batches are committed; returns how many there
   * are.
   */
  private int awaitBatches(Topics names, int count, JobClient job) throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    while (true) {
      int committed =
          kafka.readCommitted(names.contrastiveBatches().name(), ContrastiveBatch.class).size();
      if (committed >= count) {
        return committed;
      }
      assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "the job stopped early");
      assertTrue(
          System.currentTimeMillis() < deadline,
          "only " + committed + " of " + count + " batches in 3 minutes");
      Thread.sleep(200);
    }
  }

  private KafkaSettings settings(Topics names, String run) {
    return KafkaSettings.of(kafka.runtime.bootstrapServers(), kafka.registry)
        .withTopics(names)
        .withIds("ingest-test-" + run, "ingest-test-" + run)
        .withBounded(true);
  }

  /** The same inputs, with the outputs renamed under {@code run} and created. */
  private Topics outputsUnder(Topics base, String run) {
    List<TopicSpec> outputs =
        List.of(
            base.contrastiveBatches(),
            base.instructionBatches(),
            base.evalTriples(),
            base.deadLetters());
    Map<String, String> renames =
        outputs.stream().collect(Collectors.toMap(TopicSpec::name, t -> run + "." + t.name()));
    kafka.runtime.createTopics(
        outputs.stream()
            .map(t -> new NewTopic(run + "." + t.name(), t.partitions(), (short) 1))
            .toList());
    return base.withOverrides(renames);
  }

  private JobClient start(IngestJob job, Path checkpoints, Optional<Path> restoreFrom)
      throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            LocalFlink.configuration(config, checkpoints, 2, restoreFrom));
    job.build(env);
    return env.executeAsync("ingest-test");
  }
}
