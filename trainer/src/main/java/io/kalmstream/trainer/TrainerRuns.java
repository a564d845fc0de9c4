package io.kalmstream.trainer;

import io.kalmstream.batching.DatasetBatches;
import io.kalmstream.batching.Examples;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TextViews;
import io.kalmstream.checkpoints.CheckpointStore;
import io.kalmstream.checkpoints.StoredCheckpoint;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.RegistryAvroSerializer;
import io.kalmstream.trainer.loop.BatchSource;
import io.kalmstream.trainer.loop.DatasetBatchSource;
import io.kalmstream.trainer.loop.KafkaBatchSource;
import io.kalmstream.trainer.loop.KafkaCheckpointAnnouncer;
import io.kalmstream.trainer.loop.KafkaTrainerConfig;
import io.kalmstream.trainer.loop.LoopSettings;
import io.kalmstream.trainer.loop.TrainingLoop;
import io.kalmstream.trainer.metrics.TrainerMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The two ways to run the trainer: from the Kafka batch topics, and from a dataset directory. */
public final class TrainerRuns {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerRuns.class);

  private TrainerRuns() {}

  /**
   * What both modes share: the model, the hyper-parameters, the checkpoint store and the loop's
   * cadence.
   */
  public record Common(
      Path modelDir,
      ModelOptions modelOptions,
      TrainerSettings settings,
      CheckpointStore store,
      LoopSettings loop,
      TrainerMetrics metrics,
      List<TrainingLoop.StepListener> stepListeners) {}

  /**
   * Trains from {@code kg.batches.contrastive} and {@code kg.batches.instruction}, announcing
   * checkpoints on {@code kg.checkpoints}, until {@code stop} says so or a limit of the loop
   * settings is reached.
   */
  public static TrainingLoop.Result fromKafka(
      Common common, KafkaTrainerConfig kafka, BooleanSupplier stop) throws IOException {
    SchemaRegistryClient registry = new SchemaRegistryClient(kafka.registry());
    try (Producer<String, SpecificRecord> producer = producer(kafka, registry);
        KafkaBatchSource source =
            new KafkaBatchSource(kafka, registry, producer, common.metrics());
        TrainingSession session =
            TrainingSession.open(
                common.modelDir(), common.modelOptions(), common.settings(), common.store())) {
      TrainingLoop loop = loop(common, session, source);
      KafkaCheckpointAnnouncer announcer =
          new KafkaCheckpointAnnouncer(
              producer,
              kafka.topics().checkpoints().name(),
              common.loop().modelName(),
              common.modelDir().toString());
      loop.onCheckpoint(announcer);
      loop.resume(session.resumedFrom());
      // A kill between a checkpoint's durable rename and its announcement leaves it unannounced:
      // the checkpoint this session resumes is announced again (a scorer ignores a version it
      // already has).
      if (session.resumedFrom().isPresent()) {
        Optional<StoredCheckpoint> resumed = common.store().latest();
        if (resumed.isPresent()) {
          announcer.durable(resumed.get(), session.resumedFrom().get());
        }
      }
      return loop.run(stop);
    }
  }

  /** Trains on batches built from a KG-BERT-layout dataset with the shared batching code. */
  public static TrainingLoop.Result fromDataset(
      Common common,
      Path datasetDir,
      int contrastiveSize,
      int instructionSize,
      BooleanSupplier stop)
      throws IOException {
    long started = System.nanoTime();
    DatasetBatches batches =
        new DatasetBatches(KgDatasetReader.read(datasetDir), new Examples(TextViews.defaults()));
    LOG.info(
        "dataset {}: {} training pairs (forward and inverse) in {} s, {} triples skipped for missing text",
        datasetDir,
        batches.trainPairs().size(),
        String.format("%.1f", (System.nanoTime() - started) / 1e9),
        batches.skippedTriples().size());
    try (BatchSource source =
            new DatasetBatchSource(
                batches, contrastiveSize, instructionSize, common.settings().seed());
        TrainingSession session =
            TrainingSession.open(
                common.modelDir(), common.modelOptions(), common.settings(), common.store())) {
      TrainingLoop loop = loop(common, session, source);
      loop.resume(session.resumedFrom());
      return loop.run(stop);
    }
  }

  private static TrainingLoop loop(Common common, TrainingSession session, BatchSource source) {
    TrainingLoop loop =
        new TrainingLoop(
            session.trainer(),
            source,
            common.store(),
            common.loop(),
            common.metrics(),
            common.modelDir().toString());
    common.stepListeners().forEach(loop::onStep);
    return loop;
  }

  private static Producer<String, SpecificRecord> producer(
      KafkaTrainerConfig kafka, SchemaRegistryClient registry) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.putAll(kafka.clientOverrides());
    return new KafkaProducer<>(p, new StringSerializer(), new RegistryAvroSerializer<>(registry));
  }
}
