package io.kalmstream.cli.faults;

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
 * Everything a topic holds from its beginning to its end offsets when the read starts, decoded
 * through the registry; read_committed, as every consumer of the pipeline reads. A value that does
 * not decode is counted, not returned.
 */
record TopicSnapshot<T>(List<Entry<T>> entries, int undecodable) {

  /** One record: its coordinates, key and value (null for a tombstone). */
  record Entry<T>(int partition, long offset, String key, T value) {}

  static <T extends SpecificRecord> TopicSnapshot<T> read(
      KafkaConnection connection, String topic, Class<T> type, Duration patience) {
    Map<String, Object> props = connection.clientConfig();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    RegistryAvroDeserializer<T> values =
        RegistryAvroDeserializer.specific(type, connection.registry());
    List<Entry<T>> entries = new ArrayList<>();
    int undecodable = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + patience.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topic + " up to " + ends + " within " + patience);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          T value;
          try {
            value = values.deserialize(topic, r.value());
          } catch (RuntimeException e) {
            undecodable++;
            continue;
          }
          entries.add(new Entry<>(r.partition(), r.offset(), r.key(), value));
        }
      }
    }
    return new TopicSnapshot<>(List.copyOf(entries), undecodable);
  }
}
