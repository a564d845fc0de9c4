package io.kalmstream.trainer.loop;

/** A batch with the place it was read from: topic (or dataset stream), partition and offset. */
public record Sourced<T>(T batch, String source, int partition, long offset) {
  @Override
  public String toString() {
    return source + "-" + partition + "@" + offset;
  }
}
