package io.kalmstream.cli.faults;

import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.serde.RegistryAvroDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows kg.predictions (read_committed) from its beginning on a thread of its own, so the fault
 * run can tell when a restarted scorer answers again. It reconnects by itself across broker kills.
 */
final class AnswerWatch implements AutoCloseable {
  private final Map<String, Long> versionByQuery = new ConcurrentHashMap<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean closed;

  AnswerWatch(KafkaConnection connection, String topic) {
    Map<String, Object> props = connection.clientConfig();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    RegistryAvroDeserializer<LinkPredictionAnswer> answers =
        RegistryAvroDeserializer.specific(LinkPredictionAnswer.class, connection.registry());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread =
        new Thread(
            () -> {
              try {
                while (!closed) {
                  for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    LinkPredictionAnswer a = answers.deserialize(topic, r.value());
                    versionByQuery.put(a.getQueryId(), a.getModelVersion());
                  }
                }
              } catch (WakeupException closing) {
                // close() woke the poll
              } finally {
                consumer.close();
              }
            },
            "fault-answer-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** The model version that answered {@code queryId}, or null while it is unanswered. */
  Long versionOf(String queryId) {
    return versionByQuery.get(queryId);
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    consumer.wakeup();
    thread.join(10_000);
  }
}
