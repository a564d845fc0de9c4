package io.kalmstream.trainer.loop;

import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.dlq.DeadLetters;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.AvroCodec;
import io.kalmstream.schemas.serde.Subjects;
import io.kalmstream.trainer.checkpoint.SourcePosition;
import io.kalmstream.trainer.metrics.TrainerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two batch topics through one consumer with manual assignment of every partition. Records are
 * decoded with the registry-aware Avro codec as they arrive and queued per topic; a record that
 * does not decode or is not a trainable batch goes to the dead-letter topic with its original bytes
 * and the reason, and counts as consumed. A topic whose queue is full is paused, so a flood of one
 * kind never starves the other.
 *
 * <p>Positions are the offset after the last record handed out (or dead-lettered) per partition:
 * those go into the checkpoint, and the same offsets are committed for the consumer group only once
 * the checkpoint is durable. Without a checkpoint, the group's committed offsets (else the
 * beginning) are where reading starts.
 */
public final class KafkaBatchSource implements BatchSource {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBatchSource.class);
  private static final String COMPONENT = "trainer";
  private static final Duration TOPIC_WAIT = Duration.ofSeconds(60);

  private final KafkaTrainerConfig config;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Producer<String, SpecificRecord> producer;

  /** The first dead letter the broker refused; no position past it may reach a checkpoint. */
  private final java.util.concurrent.atomic.AtomicReference<Exception> lostDeadLetter =
      new java.util.concurrent.atomic.AtomicReference<>();

  private final TrainerMetrics metrics;
  private final Queue<ContrastiveBatch> contrastive;
  private final Queue<InstructionBatch> instruction;
  private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
  private final Set<TopicPartition> paused = new HashSet<>();

  /**
   * @param producer where dead letters go; shared with the checkpoint announcer
   */
  public KafkaBatchSource(
      KafkaTrainerConfig config,
      SchemaRegistryClient registry,
      Producer<String, SpecificRecord> producer,
      TrainerMetrics metrics) {
    this.config = config;
    this.producer = producer;
    this.metrics = metrics;
    this.consumer = new KafkaConsumer<>(consumerProperties(config));
    String contrastiveTopic = config.topics().contrastiveBatches().name();
    String instructionTopic = config.topics().instructionBatches().name();
    this.contrastive =
        new Queue<>(
            contrastiveTopic,
            AvroCodec.specific(ContrastiveBatch.class, registry),
            BatchValidation::problem);
    this.instruction =
        new Queue<>(
            instructionTopic,
            AvroCodec.specific(InstructionBatch.class, registry),
            BatchValidation::problem);
    List<TopicPartition> partitions = new ArrayList<>();
    partitions.addAll(partitionsOf(contrastiveTopic));
    partitions.addAll(partitionsOf(instructionTopic));
    consumer.assign(partitions);
  }

  private static Properties consumerProperties(KafkaTrainerConfig config) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxBufferedBatches()));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.putAll(config.clientOverrides());
    return p;
  }

  /**
   * The partitions of {@code topic}, waiting for it to be created (the ingest job or `kalm local`
   * does).
   */
  private List<TopicPartition> partitionsOf(String topic) {
    long deadline = System.nanoTime() + TOPIC_WAIT.toNanos();
    while (true) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      if (infos != null && !infos.isEmpty()) {
        return infos.stream()
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .sorted(Comparator.comparingInt(TopicPartition::partition))
            .toList();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "topic "
                + topic
                + " does not exist on "
                + config.bootstrapServers()
                + " after "
                + TOPIC_WAIT.toSeconds()
                + " s");
      }
      LOG.info("waiting for topic {} to be created", topic);
      sleep(Duration.ofSeconds(1));
    }
  }

  @Override
  public Optional<Sourced<ContrastiveBatch>> nextContrastive(Duration wait) {
    return next(contrastive, wait);
  }

  @Override
  public Optional<Sourced<InstructionBatch>> nextInstruction(Duration wait) {
    return next(instruction, wait);
  }

  private <T> Optional<Sourced<T>> next(Queue<T> queue, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Optional<Sourced<T>> head = queue.take();
      if (head.isPresent()) {
        return head;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return Optional.empty();
      }
      poll(Duration.ofNanos(Math.min(remaining, Duration.ofMillis(200).toNanos())));
    }
  }

  private void poll(Duration timeout) {
    ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (record.topic().equals(contrastive.topic)) {
        contrastive.add(record);
      } else if (record.topic().equals(instruction.topic)) {
        instruction.add(record);
      }
    }
    applyBackPressure(contrastive);
    applyBackPressure(instruction);
  }

  private void applyBackPressure(Queue<?> queue) {
    List<TopicPartition> ofTopic =
        consumer.assignment().stream().filter(tp -> tp.topic().equals(queue.topic)).toList();
    if (queue.entries.size() >= config.maxBufferedBatches()) {
      if (paused.addAll(ofTopic)) {
        consumer.pause(ofTopic);
      }
    } else if (paused.removeAll(ofTopic)) {
      consumer.resume(ofTopic);
    }
  }

  @Override
  public List<SourcePosition> positions() {
    confirmDeadLetters();
    contrastive.skipDeadLetters();
    instruction.skipDeadLetters();
    List<SourcePosition> out = new ArrayList<>();
    positions.forEach((tp, next) -> out.add(new SourcePosition(tp.topic(), tp.partition(), next)));
    out.sort(
        Comparator.comparing(SourcePosition::source).thenComparingInt(SourcePosition::partition));
    return out;
  }

  @Override
  public void seek(List<SourcePosition> checkpointed) {
    contrastive.entries.clear();
    instruction.entries.clear();
    positions.clear();
    Map<TopicPartition, Long> fromCheckpoint = new HashMap<>();
    for (SourcePosition p : checkpointed) {
      fromCheckpoint.put(new TopicPartition(p.source(), p.partition()), p.next());
    }
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
    Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(assigned);
    for (TopicPartition tp : assigned) {
      long offset;
      String origin;
      if (fromCheckpoint.containsKey(tp)) {
        offset = fromCheckpoint.get(tp);
        origin = "checkpoint";
      } else if (committed.get(tp) != null) {
        offset = committed.get(tp).offset();
        origin = "committed offset of group " + config.groupId();
      } else {
        offset = beginnings.get(tp);
        origin = "beginning";
      }
      consumer.seek(tp, offset);
      positions.put(tp, offset);
      LOG.info("reading {}-{} from offset {} ({})", tp.topic(), tp.partition(), offset, origin);
    }
  }

  @Override
  public void checkpointed(List<SourcePosition> checkpointedPositions) {
    confirmDeadLetters();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (SourcePosition p : checkpointedPositions) {
      offsets.put(new TopicPartition(p.source(), p.partition()), new OffsetAndMetadata(p.next()));
    }
    consumer.commitSync(offsets);
    LOG.info("committed offsets {} for group {}", checkpointedPositions, config.groupId());
  }

  @Override
  public void deadLetter(Sourced<?> batch, String reason) {
    Queue<?> queue = batch.source().equals(contrastive.topic) ? contrastive : instruction;
    byte[] value =
        queue.codec.encode(Subjects.valueSubject(queue.topic), (GenericContainer) batch.batch());
    send(
        DeadLetters.of(
            COMPONENT,
            batch.source(),
            batch.partition(),
            batch.offset(),
            null,
            value,
            reason,
            Instant.now()));
  }

  private void send(DeadLetter letter) {
    producer.send(
        new ProducerRecord<>(
            config.topics().deadLetters().name(), letter.getSourceTopic().toString(), letter),
        (metadata, error) -> {
          if (error != null) {
            lostDeadLetter.compareAndSet(null, error);
          }
        });
    metrics.deadLettered();
    LOG.warn(
        "dead-lettered {}-{}@{}: {}",
        letter.getSourceTopic(),
        letter.getSourcePartition(),
        letter.getSourceOffset(),
        letter.getReason());
  }

  /**
   * Waits for every dead letter sent so far; a refused one stops the trainer before a checkpoint or
   * a commit moves past its record, so the record is read (and dead-lettered) again after the
   * restart instead of lost.
   */
  private void confirmDeadLetters() {
    producer.flush();
    Exception lost = lostDeadLetter.get();
    if (lost != null) {
      throw new IllegalStateException(
          "a dead letter could not be written to "
              + config.topics().deadLetters().name()
              + "; no offset past its record is checkpointed or committed: "
              + lost.getMessage(),
          lost);
    }
  }

  @Override
  public OptionalLong lag() {
    long lag = 0;
    for (TopicPartition tp : consumer.assignment()) {
      OptionalLong fetchedLag = consumer.currentLag(tp);
      if (fetchedLag.isEmpty()) {
        return OptionalLong.empty();
      }
      // Records still in the broker past the fetch position, plus fetched ones not yet trained on.
      lag +=
          fetchedLag.getAsLong()
              + consumer.position(tp, Duration.ofSeconds(5))
              - positions.getOrDefault(tp, 0L);
    }
    return OptionalLong.of(lag);
  }

  @Override
  public void close() {
    consumer.close(); // never commits: only checkpoints do
  }

  /** One entry per record: a batch, or null for a record that went to the dead-letter topic. */
  private record Entry<T>(Sourced<T> sourced, TopicPartition partition, long offset) {}

  /** Decoded records of one topic in arrival order. */
  private final class Queue<T> {
    final String topic;
    final AvroCodec<T> codec;
    final Function<T, Optional<String>> validation;
    final Deque<Entry<T>> entries = new ArrayDeque<>();

    Queue(String topic, AvroCodec<T> codec, Function<T, Optional<String>> validation) {
      this.topic = topic;
      this.codec = codec;
      this.validation = validation;
    }

    void add(ConsumerRecord<byte[], byte[]> record) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      String reason;
      try {
        T batch = record.value() == null ? null : codec.decode(record.value());
        reason =
            batch == null
                ? "empty value (tombstone) on a batch topic"
                : validation.apply(batch).orElse(null);
        if (reason == null) {
          entries.add(
              new Entry<>(
                  new Sourced<>(batch, record.topic(), record.partition(), record.offset()),
                  tp,
                  record.offset()));
          return;
        }
      } catch (RuntimeException e) {
        reason = DeadLetters.reason(e);
      }
      send(DeadLetters.of(COMPONENT, record, reason));
      entries.add(new Entry<>(null, tp, record.offset()));
    }

    Optional<Sourced<T>> take() {
      while (!entries.isEmpty()) {
        Entry<T> entry = entries.poll();
        positions.put(entry.partition(), entry.offset() + 1);
        if (entry.sourced() != null) {
          return Optional.of(entry.sourced());
        }
      }
      return Optional.empty();
    }

    void skipDeadLetters() {
      while (!entries.isEmpty() && entries.peek().sourced() == null) {
        Entry<T> entry = entries.poll();
        positions.put(entry.partition(), entry.offset() + 1);
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a topic", e);
    }
  }
}
