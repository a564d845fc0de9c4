package io.kalmstream.ingest;

import io.kalmstream.schemas.kafka.ClientProperties;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.RegistryConfig;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the ingest job reads and writes.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param registry the schema registry
 * @param topics topic names (defaults of DESIGN.md, overridable)
 * @param groupId consumer group of the source; offsets are committed to it on checkpoints, for
 *     monitoring
 * @param transactionalIdPrefix prefix of the sinks' transactional ids; must be stable across
 *     restarts of one job and distinct between jobs writing to the same cluster
 * @param bounded read up to the end offsets found at start, then finish (replays, tests,
 *     benchmarks)
 * @param clientProperties extra Kafka client settings for the source and the sinks (security,
 *     tuning)
 */
public record KafkaSettings(
    String bootstrapServers,
    RegistryConfig registry,
    Topics topics,
    String groupId,
    String transactionalIdPrefix,
    boolean bounded,
    Map<String, String> clientProperties)
    implements Serializable {

  public KafkaSettings {
    clientProperties = new HashMap<>(clientProperties);
  }

  /** The connection's cluster, registry and client properties, with the default topics and ids. */
  public static KafkaSettings of(KafkaConnection connection) {
    return new KafkaSettings(
        connection.bootstrapServers(),
        connection.registry(),
        Topics.defaults(),
        "kalm-ingest",
        "kalm-ingest",
        false,
        connection.clientProperties().asMap());
  }

  /** Client properties masked: they may hold passwords. */
  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers="
        + bootstrapServers
        + ", registry="
        + registry
        + ", topics="
        + topics
        + ", groupId="
        + groupId
        + ", transactionalIdPrefix="
        + transactionalIdPrefix
        + ", bounded="
        + bounded
        + ", clientProperties="
        + ClientProperties.of(clientProperties)
        + "]";
  }

  public static KafkaSettings of(String bootstrapServers, RegistryConfig registry) {
    return new KafkaSettings(
        bootstrapServers,
        registry,
        Topics.defaults(),
        "kalm-ingest",
        "kalm-ingest",
        false,
        Map.of());
  }

  public KafkaSettings withTopics(Topics newTopics) {
    return new KafkaSettings(
        bootstrapServers,
        registry,
        newTopics,
        groupId,
        transactionalIdPrefix,
        bounded,
        clientProperties);
  }

  public KafkaSettings withIds(String newGroupId, String newTransactionalIdPrefix) {
    return new KafkaSettings(
        bootstrapServers,
        registry,
        topics,
        newGroupId,
        newTransactionalIdPrefix,
        bounded,
        clientProperties);
  }

  public KafkaSettings withBounded(boolean newBounded) {
    return new KafkaSettings(
        bootstrapServers,
        registry,
        topics,
        groupId,
        transactionalIdPrefix,
        newBounded,
        clientProperties);
  }

  public KafkaSettings withClientProperty(String name, String value) {
    Map<String, String> properties = new HashMap<>(clientProperties);
    properties.put(name, value);
    return new KafkaSettings(
        bootstrapServers, registry, topics, groupId, transactionalIdPrefix, bounded, properties);
  }
}
