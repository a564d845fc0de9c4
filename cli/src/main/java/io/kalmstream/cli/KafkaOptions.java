package io.kalmstream.cli;

import io.kalmstream.schemas.kafka.ClientProperties;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * Where the Kafka cluster and the schema registry are, how to authenticate to them, and any renamed
 * topics. Client settings come from a properties file, then {@value #ENV_PREFIX}* environment
 * variables, then {@code --kafka-property}, each overriding the one before; registry keys
 * (Confluent's {@code basic.auth.*} and {@code schema.registry.ssl.*}) go to the registry client,
 * the rest to every Kafka client.
 */
final class KafkaOptions {
  /**
   * {@code KALM_KAFKA_PROPERTY_SASL_JAAS_CONFIG} sets {@code sasl.jaas.config}: upper case, dots as
   * underscores.
   */
  static final String ENV_PREFIX = "KALM_KAFKA_PROPERTY_";

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:KALM_BOOTSTRAP_SERVERS:-localhost:9092}",
      description =
          "Kafka bootstrap servers. Default: $KALM_BOOTSTRAP_SERVERS, else ${DEFAULT-VALUE}.")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      paramLabel = "URL",
      defaultValue = "${env:KALM_REGISTRY_URL:-http://localhost:8081}",
      description =
          "Base URL of a schema registry speaking the Confluent REST API (Confluent, Apicurio's "
              + "/apis/ccompat/v7, Karapace, Redpanda). Default: $KALM_REGISTRY_URL, else ${DEFAULT-VALUE}.")
  String registryUrl;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      defaultValue = "${env:KALM_KAFKA_CONFIG}",
      description =
          "Client properties file, as Kafka's --command-config: security.protocol, sasl.*, ssl.*, "
              + "tuning, and the registry's basic.auth.user.info and schema.registry.ssl.*. Default: $KALM_KAFKA_CONFIG.")
  Path clientConfigFile;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description =
          "One client property, over the file and the "
              + ENV_PREFIX
              + "* environment variables. "
              + "Repeatable. Prefer the file or the environment for secrets: arguments show in process listings.")
  Map<String, String> clientPropertyOverrides = new LinkedHashMap<>();

  @Option(
      names = "--topic",
      paramLabel = "DEFAULT=NAME",
      description = "Rename a topic, for example --topic kg.triples=prod.facts. Repeatable.")
  Map<String, String> topicRenames = new LinkedHashMap<>();

  Topics topics() {
    return Topics.defaults().withOverrides(topicRenames);
  }

  /**
   * {@link #connection()}, asked once ({@link ConnectionCheck}) so wrong credentials end the
   * command at once.
   */
  KafkaConnection checkedConnection() {
    KafkaConnection connection = connection();
    ConnectionCheck.check(connection);
    return connection;
  }

  /** The cluster and registry, with every client setting resolved. */
  KafkaConnection connection() {
    ClientProperties all =
        (clientConfigFile == null
                ? ClientProperties.empty()
                : ClientProperties.load(clientConfigFile))
            .with(fromEnvironment(System.getenv()))
            .with(clientPropertyOverrides);
    return KafkaConnection.of(bootstrapServers, registryUrl, all);
  }

  static Map<String, String> fromEnvironment(Map<String, String> environment) {
    Map<String, String> properties = new TreeMap<>();
    environment.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
            properties.put(
                name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                value);
          }
        });
    return properties;
  }
}
