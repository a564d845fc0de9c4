package io.kalmstream.schemas.kafka;

import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** One topic of the pipeline: its name and how it is created when the runtime owns the cluster. */
public record TopicSpec(String name, int partitions, boolean compacted) {
  public TopicSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "topic " + name + ": partitions must be >= 1, got " + partitions);
    }
  }

  public TopicSpec withName(String newName) {
    return new TopicSpec(newName, partitions, compacted);
  }

  /** The admin request that creates this topic with its partitions and cleanup policy. */
  public NewTopic toNewTopic(short replicationFactor) {
    String policy =
        compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE;
    return new NewTopic(name, partitions, replicationFactor)
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, policy));
  }
}
