package io.kalmstream.schemas.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Producing to and reading back from the real test broker, without consumer groups (partitions are
 * assigned).
 */
public final class BrokerIo {
  private static final Duration READ_LIMIT = Duration.ofSeconds(30);

  private BrokerIo() {}

  public static <V> void produce(
      String bootstrap, Serializer<V> serializer, List<ProducerRecord<String, V>> records) {
    try (KafkaProducer<String, V> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            serializer)) {
      for (ProducerRecord<String, V> record : records) {
        producer.send(record).get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("producing to " + bootstrap + " failed", e);
    }
  }

  public static void produceBytes(String bootstrap, String topic, String key, byte[] value) {
    produce(bootstrap, new ByteArraySerializer(), List.of(new ProducerRecord<>(topic, key, value)));
  }

  /** Every record of {@code topic} from the beginning to its current end. */
  public static <V> List<ConsumerRecord<String, V>> readAll(
      String bootstrap, String topic, Deserializer<V> deserializer) {
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringDeserializer(),
            deserializer)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, V>> records = new ArrayList<>();
      long deadline = System.nanoTime() + READ_LIMIT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topic + " to its end " + end + " within " + READ_LIMIT);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  public static List<ConsumerRecord<String, byte[]>> readAllBytes(String bootstrap, String topic) {
    return readAll(bootstrap, topic, new ByteArrayDeserializer());
  }
}
