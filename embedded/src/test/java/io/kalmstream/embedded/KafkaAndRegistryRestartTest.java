package io.kalmstream.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the real broker and the real registry, writes a record and a schema, stops the broker and
 * abandons the registry (as a killed JVM would), starts both again on the same work directory and
 * finds the record and the schema again: records in Kafka stay decodable across a restart, and no
 * registry process is left behind.
 */
class KafkaAndRegistryRestartTest {
  private static final String SCHEMA =
      "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"io.kalmstream.test\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void topicsRecordsAndSchemasSurviveARestart(@TempDir Path workDir) throws Exception {
    KafkaAndRegistry first = KafkaAndRegistry.start(workDir);
    first.createTopics(
        List.of(
            new NewTopic("probe", 2, (short) 1)
                .configs(
                    Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
    produce(first.bootstrapServers(), "probe", "k", "v1");
    String registeredId =
        post(
            first.registryUrl() + "/subjects/probe-value/versions",
            "{\"schema\":" + jsonString(SCHEMA) + "}");
    assertTrue(registeredId.matches("\\{\"id\":\\d+}"), registeredId);
    assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", get(first.registryUrl() + "/config"));
    // As if the JVM had been killed: the broker is gone, the registry process is left running.
    first.broker().close();
    ApicurioRegistry leftover = first.registry();
    assertTrue(leftover.isRunning());

    long secondPid;
    try (KafkaAndRegistry second = KafkaAndRegistry.start(workDir)) {
      assertFalse(
          leftover.isRunning(), "the registry left behind on this work directory is stopped");
      secondPid = second.registry().pid();
      String lookedUp =
          post(
              second.registryUrl() + "/subjects/probe-value",
              "{\"schema\":" + jsonString(SCHEMA) + "}");
      assertTrue(
          lookedUp.contains(registeredId.replaceAll("[{}]", "")), lookedUp + " vs " + registeredId);
      assertEquals(List.of("k=v1"), consumeAll(second.bootstrapServers(), "probe"));
      try (Admin admin = second.broker().admin()) {
        TopicDescription probe =
            admin
                .describeTopics(List.of("probe"))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get("probe");
        assertEquals(2, probe.partitions().size());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "probe");
        Config config =
            admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        assertEquals("compact", config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
      }
    } finally {
      leftover.close();
    }
    assertFalse(
        ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false),
        "registry process left behind");
  }

  private static void produce(String bootstrap, String topic, String key, String value)
      throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> consumeAll(String bootstrap, String topic) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringDeserializer(),
            new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<String> seen = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.key() + "=" + r.value());
        }
      }
      return seen;
    }
  }

  private String post(String url, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response =
        http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  private String get(String url) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
    HttpResponse<String> response =
        http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  private static String jsonString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
