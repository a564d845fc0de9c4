package io.kalmstream.schemas.kafka;

import io.kalmstream.schemas.registry.RegistryConfig;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a Kafka cluster and its schema registry are and how to authenticate to them: the one value
 * every component that talks to Kafka is given, so security settings reach every client the project
 * creates.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param clientProperties security and tuning settings for every Kafka client (see {@link
 *     ClientProperties})
 * @param registry the schema registry, with its own credentials and TLS stores
 */
public record KafkaConnection(
    String bootstrapServers, ClientProperties clientProperties, RegistryConfig registry)
    implements Serializable {

  public KafkaConnection {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers must be set");
    }
    if (clientProperties == null || registry == null) {
      throw new IllegalArgumentException("client properties and registry must be set");
    }
  }

  /**
   * A cluster and registry configured from one set of client settings, as Kafka's own
   * --command-config file: the registry's keys ({@link RegistryConfig#isRegistryKey}) go to the
   * registry client, the rest to every Kafka client.
   */
  public static KafkaConnection of(
      String bootstrapServers, String registryUrl, ClientProperties settings) {
    RegistryConfig registry =
        RegistryConfig.of(registryUrl)
            .withSettings(settings.filter(RegistryConfig::isRegistryKey).asMap());
    return new KafkaConnection(
        bootstrapServers, settings.filter(key -> !RegistryConfig.isRegistryKey(key)), registry);
  }

  /** A plaintext cluster without credentials, as the embedded runtime's default. */
  public static KafkaConnection plaintext(String bootstrapServers, String registryUrl) {
    return new KafkaConnection(
        bootstrapServers, ClientProperties.empty(), RegistryConfig.of(registryUrl));
  }

  /**
   * A new mutable client configuration: the client properties, then the bootstrap servers; the
   * caller adds the client's own essentials after.
   */
  public Map<String, Object> clientConfig() {
    Map<String, Object> config = clientProperties.applyTo(new HashMap<>());
    config.put("bootstrap.servers", bootstrapServers);
    return config;
  }

  public KafkaConnection withRegistry(RegistryConfig newRegistry) {
    return new KafkaConnection(bootstrapServers, clientProperties, newRegistry);
  }
}
