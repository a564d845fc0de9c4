package io.kalmstream.schemas.kafka;

/** One topic of the pipeline: its name and how it is created when the runtime owns the cluster. */
public record TopicSpec(String name, int partitions, boolean compacted) {
  public TopicSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1, got " + partitions);
    }
  }

  public TopicSpec withName(String newName) {
    return new TopicSpec(newName, partitions, compacted);
  }
}
