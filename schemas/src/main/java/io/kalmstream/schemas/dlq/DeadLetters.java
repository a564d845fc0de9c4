package io.kalmstream.schemas.dlq;

import io.kalmstream.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds {@link DeadLetter} records, the one shape in which every component (ingest, trainer,
 * scorer) reports input it cannot process. On the dead-letter topic they are keyed by the source
 * topic.
 */
public final class DeadLetters {
  /** Partition and offset of input that did not come from Kafka (a file, an HTTP request). */
  public static final int NO_PARTITION = -1;

  public static final long NO_OFFSET = -1L;

  /**
   * Most bytes of the original value kept: with the key, the reason and the envelope a dead letter
   * stays under the producer's default 1 MiB request limit, so a record that was too large cannot
   * fail the sink of its own dead letter. The reason says when the value was cut.
   */
  public static final int MAX_VALUE_BYTES = 512 * 1024;

  public static final int MAX_KEY_BYTES = 16 * 1024;
  public static final int MAX_REASON_CHARS = 4096;

  private DeadLetters() {}

  /**
   * A dead letter keeping the original bytes, or a prefix of them when they are larger than {@link
   * #MAX_VALUE_BYTES} (the key {@link #MAX_KEY_BYTES}), which the reason then states.
   *
   * @param component who rejected the input: {@code ingest}, {@code trainer}, {@code scorer}
   */
  public static DeadLetter of(
      String component,
      String sourceTopic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      String reason,
      Instant at) {
    StringBuilder why =
        new StringBuilder(
            reason.length() <= MAX_REASON_CHARS
                ? reason
                : reason.substring(0, MAX_REASON_CHARS)
                    + "... (reason cut at "
                    + MAX_REASON_CHARS
                    + " characters)");
    if (value != null && value.length > MAX_VALUE_BYTES) {
      why.append(" [value cut: first ")
          .append(MAX_VALUE_BYTES)
          .append(" of ")
          .append(value.length)
          .append(" bytes kept]");
    }
    if (key != null && key.length > MAX_KEY_BYTES) {
      why.append(" [key cut: first ")
          .append(MAX_KEY_BYTES)
          .append(" of ")
          .append(key.length)
          .append(" bytes kept]");
    }
    return DeadLetter.newBuilder()
        .setComponent(component)
        .setSourceTopic(sourceTopic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setKey(prefix(key, MAX_KEY_BYTES))
        .setValue(prefix(value, MAX_VALUE_BYTES))
        .setReason(why.toString())
        .setTimestamp(at)
        .build();
  }

  private static ByteBuffer prefix(byte[] bytes, int max) {
    return bytes == null
        ? null
        : ByteBuffer.wrap(java.util.Arrays.copyOf(bytes, Math.min(bytes.length, max)));
  }

  /** A dead letter for a raw consumer record, stamped now. */
  public static DeadLetter of(
      String component, ConsumerRecord<byte[], byte[]> record, String reason) {
    return of(
        component,
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        record.value(),
        reason,
        Instant.now());
  }

  /**
   * A dead letter for a raw consumer record that failed with {@code error}, the reason taken from
   * it.
   */
  public static DeadLetter of(
      String component, ConsumerRecord<byte[], byte[]> record, Throwable error) {
    return of(component, record, reason(error));
  }

  /**
   * A readable reason from an exception and its causes, e.g. {@code "AvroSerdeException: unknown
   * writer schema id 99: ... (caused by ConnectException: ...)"}. A cause whose message already
   * ends one of the messages before it (the usual {@code "context: " + cause.getMessage()}
   * wrapping) is not repeated.
   */
  public static String reason(Throwable error) {
    StringBuilder reason = new StringBuilder(describe(error));
    List<String> seen = new ArrayList<>();
    seen.add(String.valueOf(error.getMessage()));
    // Bounded, as a cause chain can loop.
    Throwable cause = error.getCause();
    for (int depth = 0; cause != null && depth < 10; depth++, cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (seen.stream().noneMatch(m -> m.endsWith(message))) {
        reason.append(" (caused by ").append(describe(cause)).append(')');
      }
      seen.add(message);
    }
    return reason.toString();
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null
        ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** The record to send to the dead-letter topic {@code dlqTopic}, keyed by its source topic. */
  public static ProducerRecord<String, DeadLetter> toProducerRecord(
      String dlqTopic, DeadLetter letter) {
    return new ProducerRecord<>(dlqTopic, letter.getSourceTopic(), letter);
  }
}
