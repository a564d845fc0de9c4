package io.kalmstream.cli;

import io.kalmstream.schemas.kafka.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the Kafka cluster and the schema registry are, and any renamed topics. */
final class KafkaOptions {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:KALM_BOOTSTRAP_SERVERS:-localhost:9092}",
      description = "Kafka bootstrap servers. Default: $KALM_BOOTSTRAP_SERVERS, else ${DEFAULT-VALUE}.")
  String bootstrapServers;

  @Option(names = "--registry-url", paramLabel = "URL",
      defaultValue = "${env:KALM_REGISTRY_URL:-http://localhost:8081}",
      description = "Base URL of a schema registry speaking the Confluent REST API (Confluent, Apicurio's "
          + "/apis/ccompat/v7, Karapace, Redpanda). Default: $KALM_REGISTRY_URL, else ${DEFAULT-VALUE}.")
  String registryUrl;

  @Option(names = "--topic", paramLabel = "DEFAULT=NAME",
      description = "Rename a topic, for example --topic kg.triples=prod.facts. Repeatable.")
  Map<String, String> topicRenames = new LinkedHashMap<>();

  Topics topics() {
    return Topics.defaults().withOverrides(topicRenames);
  }
}
