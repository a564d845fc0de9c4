package io.kalmstream.ingest;

import io.kalmstream.schemas.DeadLetter;
import java.time.Instant;
import org.apache.flink.util.OutputTag;

/** Dead letters of the ingest job: the input whole, its coordinates and the reason. */
final class DeadLetters {
  static final String COMPONENT = "ingest";
  static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

  private DeadLetters() {}

  /**
   * {@code rejectedAt} is the event time of the rejection, so a replayed run rejects identically.
   */
  static DeadLetter of(KgEvent event, String reason, long rejectedAt) {
    return io.kalmstream.schemas.dlq.DeadLetters.of(
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
