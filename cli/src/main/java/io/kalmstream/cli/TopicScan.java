package io.kalmstream.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every partition of a topic from its beginning to the end offsets it had when the scan
 * started.
 */
final class TopicScan {

  private TopicScan() {}

  /**
   * Assigns {@code consumer} to all partitions of {@code topic} and hands each poll's records to
   * {@code batch} until every partition reached its end, or until {@code limit} passed (null: no
   * limit).
   */
  static <K, V> void fromBeginning(
      KafkaConsumer<K, V> consumer,
      String topic,
      Duration limit,
      Consumer<ConsumerRecords<K, V>> batch) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
        && System.nanoTime() < deadline) {
      batch.accept(consumer.poll(Duration.ofMillis(200)));
    }
  }
}
