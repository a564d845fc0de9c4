package io.kalmstream.schemas.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kalmstream.embedded.KafkaAndRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * The default topics of DESIGN.md, created on the real broker with their partitions and cleanup
 * policies.
 */
class TopicsCreationTest {
  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();

  @Test
  void defaultTopicsHaveTheirPartitionsAndCleanupPolicy() throws Exception {
    Topics topics = Topics.defaults();
    RUNTIME.createTopics(topics.newTopics((short) 1));
    RUNTIME.createTopics(topics.newTopics((short) 1)); // existing topics are left alone

    List<String> names = topics.all().stream().map(TopicSpec::name).toList();
    try (Admin admin = RUNTIME.broker().admin()) {
      Map<String, TopicDescription> described =
          admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      List<ConfigResource> resources =
          names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
      Map<ConfigResource, Config> configs =
          admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
      for (TopicSpec spec : topics.all()) {
        assertEquals(
            spec.partitions(), described.get(spec.name()).partitions().size(), spec.name());
        String policy =
            configs
                .get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                .value();
        assertEquals(spec.compacted() ? "compact" : "delete", policy, spec.name());
      }
    }
    Map<String, Integer> expected =
        Map.ofEntries(
            Map.entry("kg.entities", 3),
            Map.entry("kg.relations", 1),
            Map.entry("kg.triples", 3),
            Map.entry("kg.batches.contrastive", 1),
            Map.entry("kg.batches.instruction", 1),
            Map.entry("kg.eval.triples", 1),
            Map.entry("kg.checkpoints", 1),
            Map.entry("kg.queries", 3),
            Map.entry("kg.predictions", 3),
            Map.entry("kg.metrics", 1),
            Map.entry("kg.alerts", 1),
            Map.entry("kg.dlq", 1));
    assertEquals(
        expected,
        topics.all().stream().collect(Collectors.toMap(TopicSpec::name, TopicSpec::partitions)));
  }
}
