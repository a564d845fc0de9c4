package io.kalmstream.embedded;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics that are missing, on the embedded broker or any cluster; an existing topic is left
 * untouched (its partitions and config are the operator's business once it exists). Returns once
 * every topic is described with a leader for each partition: the controller acknowledges a creation
 * before the broker serves it.
 */
public final class TopicCreator {
  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

  private TopicCreator() {}

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  public static void createMissing(Admin admin, Collection<NewTopic> topics) {
    for (NewTopic topic : topics) {
      try {
        admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        LOG.info(
            "Created topic {} ({} partitions, config {})",
            topic.name(),
            topic.numPartitions(),
            topic.configs() == null ? Map.of() : topic.configs());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "could not create topic " + topic.name() + ": " + e.getCause(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("timed out creating topic " + topic.name(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating topic " + topic.name(), e);
      }
    }
    awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
  }

  private static void awaitLeaders(Admin admin, List<String> names) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try {
      while (!allHaveLeaders(admin, names)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "topics " + names + " have no leaders after " + READY_TIMEOUT);
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for topics " + names, e);
    }
  }

  private static boolean allHaveLeaders(Admin admin, List<String> names)
      throws InterruptedException {
    try {
      Map<String, TopicDescription> described =
          admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
      return described.values().stream()
          .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
    } catch (ExecutionException | TimeoutException notYetServed) {
      // UnknownTopicOrPartition until the broker has caught up with the controller.
      return false;
    }
  }
}
