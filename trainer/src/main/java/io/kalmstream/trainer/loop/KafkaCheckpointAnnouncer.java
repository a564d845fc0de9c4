package io.kalmstream.trainer.loop;

import io.kalmstream.checkpoints.StoredCheckpoint;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.trainer.checkpoint.TrainerState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces each durable checkpoint on {@code kg.checkpoints} (compacted, keyed by model name), and
 * waits for the broker's acknowledgement, so the consumer offsets are committed only after the
 * announcement is stored.
 */
public final class KafkaCheckpointAnnouncer implements TrainingLoop.CheckpointListener {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaCheckpointAnnouncer.class);

  private final Producer<String, SpecificRecord> producer;
  private final String topic;
  private final String modelName;
  private final String baseModel;

  public KafkaCheckpointAnnouncer(
      Producer<String, SpecificRecord> producer, String topic, String modelName, String baseModel) {
    this.producer = producer;
    this.topic = topic;
    this.modelName = modelName;
    this.baseModel = baseModel;
  }

  public static CheckpointPublished record(
      String modelName, String baseModel, StoredCheckpoint checkpoint, TrainerState state) {
    return CheckpointPublished.newBuilder()
        .setModelName(modelName)
        .setVersion(checkpoint.version())
        .setUri(checkpoint.uri().toString())
        .setFiles(new LinkedHashMap<>(checkpoint.sha256()))
        .setBaseModel(baseModel)
        .setMetrics(new LinkedHashMap<>(state.metrics()))
        .setCreatedAt(Instant.now())
        .build();
  }

  @Override
  public void durable(StoredCheckpoint checkpoint, TrainerState state) {
    CheckpointPublished announcement = record(modelName, baseModel, checkpoint, state);
    try {
      var metadata = producer.send(new ProducerRecord<>(topic, modelName, announcement)).get();
      LOG.info(
          "checkpoint version={} announced on {}-{}@{}",
          checkpoint.version(),
          metadata.topic(),
          metadata.partition(),
          metadata.offset());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while announcing checkpoint " + checkpoint.version(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot announce checkpoint " + checkpoint.version() + " on " + topic, e.getCause());
    }
  }
}
