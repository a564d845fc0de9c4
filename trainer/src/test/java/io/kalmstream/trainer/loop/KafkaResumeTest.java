package io.kalmstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.checkpoints.DirectoryCheckpointStore;
import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.serde.RegistryAvroDeserializer;
import io.kalmstream.schemas.serde.RegistryAvroSerializer;
import io.kalmstream.trainer.Fixtures;
import io.kalmstream.trainer.TrainerRuns;
import io.kalmstream.trainer.TrainerSettings;
import io.kalmstream.trainer.checkpoint.SourcePosition;
import io.kalmstream.trainer.checkpoint.TrainerState;
import io.kalmstream.trainer.metrics.TrainerMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming trainer against a real KRaft broker and a real Apicurio registry: a run that
 * crashes between two checkpoints and is restarted trains exactly the batch sequence of a run that
 * never crashed. The crash is an exception thrown out of the loop after step 5: the process state
 * is lost, the consumer closes without committing, and only the checkpoint store, the committed
 * offsets and the topics remain, as after a kill. About a minute and a half on a busy 2-core
 * machine, hence e2e.
 */
@Tag("e2e")
class KafkaResumeTest {

  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();
  private static final int BATCHES = 8;
  private static final long CHECKPOINT_EVERY = 3;
  private static final int CRASH_AFTER_STEPS = 5;

  private static Topics topics;
  private static RegistryConfig registry;

  @TempDir Path temp;

  /** One step's inputs as "topic-partition@offset" strings, contrastive first. */
  private record Trained(long step, List<String> batches) {}

  private static final class SimulatedCrash extends RuntimeException {
    SimulatedCrash() {
      super("simulated crash");
    }
  }

  @BeforeAll
  static void produceBatches() throws Exception {
    String prefix = "resume-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    Topics defaults = Topics.defaults();
    topics =
        defaults.withOverrides(
            Map.of(
                defaults.contrastiveBatches().name(), prefix + defaults.contrastiveBatches().name(),
                defaults.instructionBatches().name(), prefix + defaults.instructionBatches().name(),
                defaults.checkpoints().name(), prefix + defaults.checkpoints().name(),
                defaults.deadLetters().name(), prefix + defaults.deadLetters().name()));
    List<NewTopic> newTopics = new ArrayList<>();
    for (var spec :
        List.of(
            topics.contrastiveBatches(),
            topics.instructionBatches(),
            topics.checkpoints(),
            topics.deadLetters())) {
      newTopics.add(spec.toNewTopic((short) 1));
    }
    RUNTIME.createTopics(newTopics);
    registry = RegistryConfig.of(RUNTIME.registryUrl());

    List<ContrastiveBatch> contrastive = Fixtures.contrastiveBatches(BATCHES, 4);
    List<InstructionBatch> instructions = Fixtures.instructionBatches(BATCHES, 2);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RUNTIME.bootstrapServers());
    try (var producer =
            new KafkaProducer<String, SpecificRecord>(
                p, new StringSerializer(), new RegistryAvroSerializer<>(registry));
        var raw =
            new KafkaProducer<String, byte[]>(
                p, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < BATCHES; i++) {
        if (i == 2) {
          // Not in the registry's wire format: must end in the dead-letter topic, not stop the
          // trainer.
          raw.send(
                  new ProducerRecord<>(
                      topics.contrastiveBatches().name(), "garbage", new byte[] {7, 7, 7}))
              .get();
        }
        producer
            .send(
                new ProducerRecord<>(
                    topics.contrastiveBatches().name(),
                    contrastive.get(i).getBatchId(),
                    contrastive.get(i)))
            .get();
        producer
            .send(
                new ProducerRecord<>(
                    topics.instructionBatches().name(),
                    instructions.get(i).getBatchId(),
                    instructions.get(i)))
            .get();
      }
    }
  }

  @Test
  void aRestartAfterACrashTrainsTheSameBatchSequenceAsAnUninterruptedRun() throws Exception {
    List<Trained> uninterrupted = new ArrayList<>();
    run("uninterrupted", temp.resolve("a"), uninterrupted, Integer.MAX_VALUE);
    assertEquals(BATCHES, uninterrupted.size());
    assertTrue(
        uninterrupted.stream()
            .noneMatch(t -> t.batches().contains(topics.contrastiveBatches().name() + "-0@2")),
        "the undecodable record at offset 2 is never trained on");

    Path store = temp.resolve("b");
    List<Trained> crashed = new ArrayList<>();
    assertThrows(SimulatedCrash.class, () -> run("crashing", store, crashed, CRASH_AFTER_STEPS));
    assertEquals(CRASH_AFTER_STEPS, crashed.size());
    assertEquals(
        List.of(CHECKPOINT_EVERY),
        new DirectoryCheckpointStore(store, 5).versions(),
        "only the checkpoint before the crash is durable");
    // Offsets were committed for that checkpoint only, not for the steps trained after it.
    List<SourcePosition> checkpointed =
        TrainerState.read(store.resolve(DirectoryCheckpointStore.directoryName(CHECKPOINT_EVERY)))
            .positions();
    assertEquals(checkpointed, committedOffsets("crashing"));

    List<Trained> restarted = new ArrayList<>();
    run("crashing", store, restarted, Integer.MAX_VALUE);
    assertEquals(
        CHECKPOINT_EVERY, restarted.get(0).step(), "the restart resumes after the last checkpoint");

    List<Trained> lineage = new ArrayList<>(crashed.subList(0, (int) CHECKPOINT_EVERY));
    lineage.addAll(restarted);
    assertEquals(uninterrupted, lineage);

    // The uninterrupted run announces 3, 6, 8; the crashed one 3; its restart announces the
    // checkpoint it resumes (3) again, in case the crash came between durable and announced.
    assertEquals(
        List.of(3L, 6L, 8L, 3L, 3L, 6L, 8L),
        announcedVersions(),
        "every durable checkpoint is announced, the resumed one again");
    List<DeadLetter> letters = deadLetters();
    assertTrue(letters.size() >= 1, "the garbage record is dead-lettered");
    assertEquals(topics.contrastiveBatches().name(), letters.get(0).getSourceTopic());
    assertEquals(2L, letters.get(0).getSourceOffset());
    assertTrue(letters.get(0).getReason().length() > 10, letters.get(0).getReason());
  }

  private void run(String group, Path storeDir, List<Trained> trained, int crashAfter)
      throws Exception {
    TrainerSettings settings =
        TrainerSettings.builder()
            .learningRate(1e-3)
            .warmupSteps(2)
            .horizonSteps(20)
            .maxTextTokens(24)
            .seed(11)
            .build();
    LoopSettings loop =
        LoopSettings.builder()
            .checkpointEverySteps(CHECKPOINT_EVERY)
            .checkpointInterval(null)
            .maxSteps(BATCHES)
            .idleWait(Duration.ofSeconds(2))
            .instructionWait(Duration.ofSeconds(10))
            .modelName("resume-test")
            .build();
    TrainingLoop.StepListener record =
        (result, contrastive, instructions) -> {
          List<String> batches = new ArrayList<>();
          batches.add(String.valueOf(contrastive));
          instructions.forEach(i -> batches.add(i.toString()));
          trained.add(new Trained(result.step(), batches));
          if (trained.size() >= crashAfter) {
            throw new SimulatedCrash();
          }
        };
    try (TrainerMetrics metrics = new TrainerMetrics()) {
      TrainerRuns.Common common =
          new TrainerRuns.Common(
              Fixtures.stories260K(),
              ModelOptions.auto(),
              settings,
              new DirectoryCheckpointStore(storeDir, 5),
              loop,
              metrics,
              List.of(record));
      KafkaTrainerConfig kafka =
          KafkaTrainerConfig.of(RUNTIME.bootstrapServers(), registry, group, topics);
      TrainerRuns.fromKafka(common, kafka, () -> false);
    }
  }

  private List<SourcePosition> committedOffsets(String group) {
    Properties p = consumerProperties(group);
    try (var consumer =
        new KafkaConsumer<String, byte[]>(
            p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<SourcePosition> out = new ArrayList<>();
      for (String topic :
          List.of(topics.contrastiveBatches().name(), topics.instructionBatches().name())) {
        TopicPartition tp = new TopicPartition(topic, 0);
        OffsetAndMetadata committed = consumer.committed(Set.of(tp)).get(tp);
        out.add(new SourcePosition(topic, 0, committed == null ? -1 : committed.offset()));
      }
      return out;
    }
  }

  private List<Long> announcedVersions() {
    List<Long> versions = new ArrayList<>();
    for (CheckpointPublished published :
        readAll(topics.checkpoints().name(), CheckpointPublished.class)) {
      assertEquals("resume-test", published.getModelName());
      assertTrue(
          published.getFiles().containsKey("adapter_model.safetensors"),
          published.getFiles().toString());
      versions.add(published.getVersion());
    }
    return versions;
  }

  private List<DeadLetter> deadLetters() {
    return readAll(topics.deadLetters().name(), DeadLetter.class);
  }

  private <T extends SpecificRecord> List<T> readAll(String topic, Class<T> type) {
    try (var consumer =
        new KafkaConsumer<String, T>(
            consumerProperties("reader-" + UUID.randomUUID()),
            new StringDeserializer(),
            RegistryAvroDeserializer.specific(type, registry))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      List<T> out = new ArrayList<>();
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(500))) {
          out.add(r.value());
        }
      }
      return out;
    }
  }

  private static Properties consumerProperties(String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RUNTIME.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return p;
  }
}
