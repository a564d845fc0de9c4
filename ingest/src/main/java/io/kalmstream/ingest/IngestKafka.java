package io.kalmstream.ingest;

import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.kafka.Topics;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The Kafka ends of the ingest job: one source over the three input topics and exactly-once
 * transactional sinks. Sink records become visible to read_committed consumers when the checkpoint
 * that covers them completes.
 */
public final class IngestKafka {
  private static final Duration MIN_TRANSACTION_TIMEOUT = Duration.ofMinutes(2);

  /** Kafka's default transaction.max.timeout.ms: a broker refuses longer ones. */
  private static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  private IngestKafka() {}

  /** The job on Kafka: what {@code kalm ingest} and the shaded job jar run. */
  public static IngestJob job(IngestConfig config, KafkaSettings kafka) {
    return job(config, kafka, source(kafka));
  }

  /** The job on Kafka's sinks with the given source. */
  public static IngestJob job(
      IngestConfig config, KafkaSettings kafka, KafkaSource<KgEvent> source) {
    Topics topics = kafka.topics();
    Duration transactionTimeout = transactionTimeout(config.checkpointInterval());
    return new IngestJob(
        config,
        source,
        sink(
            kafka,
            transactionTimeout,
            "contrastive",
            KeyedAvroRecords.<ContrastiveBatch>stampedWithEventTime(
                topics.contrastiveBatches().name(),
                kafka.registry(),
                ContrastiveBatch::getBatchId,
                b -> b)),
        sink(
            kafka,
            transactionTimeout,
            "instruction",
            KeyedAvroRecords.<InstructionBatch>stampedWithEventTime(
                topics.instructionBatches().name(),
                kafka.registry(),
                InstructionBatch::getBatchId,
                b -> b)),
        sink(
            kafka,
            transactionTimeout,
            "eval",
            KeyedAvroRecords.<EvalTriple>stampedWithEventTime(
                topics.evalTriples().name(), kafka.registry(), e -> e.tripleId, e -> e.triple)),
        sink(
            kafka,
            transactionTimeout,
            "dlq",
            KeyedAvroRecords.<DeadLetter>stampedWhenWritten(
                topics.deadLetters().name(),
                kafka.registry(),
                DeadLetter::getSourceTopic,
                d -> d)));
  }

  public static KafkaSource<KgEvent> source(KafkaSettings kafka) {
    Topics topics = kafka.topics();
    return source(
        kafka,
        new KgRecordDeserializer(
            topics.triples().name(),
            topics.entities().name(),
            topics.relations().name(),
            kafka.registry()));
  }

  /**
   * The source with another record reader, for example one that wraps {@link KgRecordDeserializer}.
   */
  public static KafkaSource<KgEvent> source(
      KafkaSettings kafka, KafkaRecordDeserializationSchema<KgEvent> reader) {
    Topics topics = kafka.topics();
    KafkaSourceBuilder<KgEvent> builder =
        KafkaSource.<KgEvent>builder()
            .setBootstrapServers(kafka.bootstrapServers())
            .setTopics(topics.triples().name(), topics.entities().name(), topics.relations().name())
            .setGroupId(kafka.groupId())
            // the job's position lives in its checkpoints; a fresh job reads the graph from the
            // beginning
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(reader)
            .setProperty("isolation.level", "read_committed");
    if (kafka.bounded()) {
      builder.setBounded(OffsetsInitializer.latest());
      // a reader whose splits are done opens a fresh consumer for every commit; a replay needs no
      // group offsets
      builder.setProperty("commit.offsets.on.checkpoint", "false");
    }
    kafka.clientProperties().forEach(builder::setProperty);
    return builder.build();
  }

  private static <T> KafkaSink<T> sink(
      KafkaSettings kafka,
      Duration transactionTimeout,
      String name,
      KafkaRecordSerializationSchema<T> records) {
    KafkaSinkBuilder<T> builder = KafkaSink.<T>builder();
    // a client property (--kafka-property transaction.timeout.ms=...) overrides the derived one
    builder.setProperty("transaction.timeout.ms", Long.toString(transactionTimeout.toMillis()));
    kafka.clientProperties().forEach(builder::setProperty);
    return builder
        .setBootstrapServers(kafka.bootstrapServers())
        .setRecordSerializer(records)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + name)
        .build();
  }

  /**
   * The sinks' transaction timeout: twelve checkpoint intervals, within [2 min, 15 min]. A killed
   * job's open transactions hold read_committed consumers back until the restarted job aborts them
   * (at its start) or, if it does not come back, until this timeout. It must outlast a checkpoint
   * plus the job's downtime: a transaction pre-committed by the last checkpoint is committed on
   * recovery, and one the broker has already aborted loses its batches (Flink's documented bound).
   */
  static Duration transactionTimeout(Duration checkpointInterval) {
    Duration twelve = checkpointInterval.multipliedBy(12);
    if (twelve.compareTo(MIN_TRANSACTION_TIMEOUT) < 0) {
      return MIN_TRANSACTION_TIMEOUT;
    }
    return twelve.compareTo(MAX_TRANSACTION_TIMEOUT) > 0 ? MAX_TRANSACTION_TIMEOUT : twelve;
  }
}
