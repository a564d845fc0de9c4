package io.kalmstream.cli.testing;

import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.serde.RegistryAvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a read_committed consumer sees of a topic from its beginning up to its end now, values
 * through the registry.
 */
public final class CommittedRecords {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private CommittedRecords() {}

  /**
   * Every committed record, tombstones included (null values), in partition order; fails on an
   * undecodable one.
   */
  public static <T extends SpecificRecord> List<ConsumerRecord<String, T>> read(
      KafkaConnection connection, String topic, Class<T> type) {
    return read(connection, topic, type, false);
  }

  /**
   * The same, leaving out records whose value does not decode (a topic that bad input was written
   * to).
   */
  public static <T extends SpecificRecord> List<ConsumerRecord<String, T>> readDecodable(
      KafkaConnection connection, String topic, Class<T> type) {
    return read(connection, topic, type, true);
  }

  private static <T extends SpecificRecord> List<ConsumerRecord<String, T>> read(
      KafkaConnection connection, String topic, Class<T> type, boolean skipUndecodable) {
    Map<String, Object> props = connection.clientConfig();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, T>> out = new ArrayList<>();
    RegistryAvroDeserializer<T> values =
        RegistryAvroDeserializer.specific(type, connection.registry());
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " up to " + ends);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          T value;
          try {
            value = values.deserialize(topic, r.value());
          } catch (RuntimeException e) {
            if (skipUndecodable) {
              continue;
            }
            throw new AssertionError(
                "undecodable record at " + topic + "-" + r.partition() + "@" + r.offset(), e);
          }
          out.add(
              new ConsumerRecord<>(
                  topic,
                  r.partition(),
                  r.offset(),
                  r.timestamp(),
                  r.timestampType(),
                  r.serializedKeySize(),
                  r.serializedValueSize(),
                  r.key(),
                  value,
                  r.headers(),
                  r.leaderEpoch()));
        }
      }
    }
    return out;
  }

  /** The committed values, tombstones left out. */
  public static <T extends SpecificRecord> List<T> values(
      KafkaConnection connection, String topic, Class<T> type) {
    return read(connection, topic, type).stream()
        .map(ConsumerRecord::value)
        .filter(v -> v != null)
        .toList();
  }
}
