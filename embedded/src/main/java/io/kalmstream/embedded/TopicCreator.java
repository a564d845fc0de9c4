package io.kalmstream.embedded;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics that are missing, on the embedded broker or any cluster; an existing topic is left untouched
 * (its partitions and config are the operator's business once it exists).
 */
public final class TopicCreator {
  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

  private TopicCreator() {}

  public static void createMissing(Admin admin, Collection<NewTopic> topics) {
    for (NewTopic topic : topics) {
      try {
        admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        LOG.info("Created topic {} ({} partitions, config {})", topic.name(), topic.numPartitions(),
            topic.configs() == null ? Map.of() : topic.configs());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("could not create topic " + topic.name() + ": " + e.getCause(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("timed out creating topic " + topic.name(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating topic " + topic.name(), e);
      }
    }
  }
}
