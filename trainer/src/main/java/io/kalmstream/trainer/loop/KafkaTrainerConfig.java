package io.kalmstream.trainer.loop;

import io.kalmstream.schemas.kafka.ClientProperties;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.RegistryConfig;
import java.util.Map;

/**
 * How the streaming trainer reaches Kafka.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param registry the schema registry of the Avro values
 * @param groupId consumer group whose offsets are committed after each durable checkpoint
 * @param topics topic names (batches in, checkpoints and dead letters out)
 * @param maxBufferedBatches decoded batches held per topic before its partitions are paused
 * @param clientOverrides extra Kafka client properties, applied to the consumer and the producer
 */
public record KafkaTrainerConfig(
    String bootstrapServers,
    RegistryConfig registry,
    String groupId,
    Topics topics,
    int maxBufferedBatches,
    Map<String, String> clientOverrides) {

  public KafkaTrainerConfig {
    if (maxBufferedBatches < 1) {
      throw new IllegalArgumentException(
          "maxBufferedBatches must be >= 1, got " + maxBufferedBatches);
    }
    clientOverrides = Map.copyOf(clientOverrides);
  }

  public KafkaTrainerConfig withClientOverrides(Map<String, String> overrides) {
    return new KafkaTrainerConfig(
        bootstrapServers, registry, groupId, topics, maxBufferedBatches, overrides);
  }

  /** Client properties masked: they may hold passwords. */
  @Override
  public String toString() {
    return "KafkaTrainerConfig[bootstrapServers="
        + bootstrapServers
        + ", registry="
        + registry
        + ", groupId="
        + groupId
        + ", topics="
        + topics
        + ", maxBufferedBatches="
        + maxBufferedBatches
        + ", clientOverrides="
        + ClientProperties.of(clientOverrides)
        + "]";
  }

  public static KafkaTrainerConfig of(
      String bootstrapServers, RegistryConfig registry, String groupId, Topics topics) {
    return new KafkaTrainerConfig(bootstrapServers, registry, groupId, topics, 64, Map.of());
  }
}
