package io.kalmstream.ingest;

import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.dlq.DeadLetters;
import java.time.Instant;
import org.apache.flink.util.OutputTag;

/**
 * The ingest job's dead letters: its side-output tag, and {@link DeadLetters} (the one builder
 * every component uses) applied to a decoded event, with the input whole, its coordinates and the
 * reason.
 */
final class IngestDeadLetters {
  static final String COMPONENT = "ingest";
  static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

  private IngestDeadLetters() {}

  /**
   * {@code rejectedAt} is the event time of the rejection, so a replayed run rejects identically.
   */
  static DeadLetter of(KgEvent event, String reason, long rejectedAt) {
    return DeadLetters.of(
        COMPONENT,
        event.sourceTopic == null ? "unknown" : event.sourceTopic,
        event.sourcePartition,
        event.sourceOffset,
        event.rawKey,
        event.rawValue,
        reason,
        Instant.ofEpochMilli(rejectedAt));
  }
}
