package io.kalmstream.schemas.serde;

/**
 * Confluent's TopicNameStrategy: a topic's values are registered under {@code <topic>-value}, its
 * keys under {@code <topic>-key}.
 */
public final class Subjects {
  private Subjects() {}

  public static String forTopic(String topic, boolean isKey) {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("a topic is needed to name the schema subject");
    }
    return topic + (isKey ? "-key" : "-value");
  }

  public static String valueSubject(String topic) {
    return forTopic(topic, false);
  }

  public static String keySubject(String topic) {
    return forTopic(topic, true);
  }
}
