package io.kalmstream.ingest;

import io.kalmstream.batching.BatchPolicy;
import io.kalmstream.batching.HeldOutSplit;
import io.kalmstream.batching.TextLimits;
import io.kalmstream.batching.TextViews;
import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the ingest job, with the embedded-mode defaults. The CLI overrides them from options and the
 * environment.
 *
 * @param policy batch sizes, replay share and reservoir size
 * @param replaySeed seed of the reservoir's reproducible randomness
 * @param heldOut the deterministic held-out split
 * @param limits what a description must satisfy
 * @param maxTokens per-part truncation of the text views (word-based in the job, see Truncation.WORDS)
 * @param descriptionWait how long (event time) a triple waits for a missing description before the DLQ
 * @param batchTimeout how long (event time) a non-empty partial batch waits before it is emitted anyway
 * @param outOfOrderness bound of the watermark's lateness allowance
 * @param idleness a partition without records for this long (processing time) moves its watermark with the wall
 *     clock: it stops holding the others back, and in a quiet stream description waits and batch timeouts still
 *     expire; zero disables it, which keeps bounded replays exactly reproducible
 * @param checkpointInterval interval of the exactly-once checkpoints
 * @param batchIdPrefix prefix of the batch ids ("prefix-0000000001"), to tell runs of different jobs apart
 * @param maxFutureSkew how far ahead of this machine's clock an event time may be; one further ahead goes to the
 *     dead letters and never moves the watermark, which would otherwise hold every later record back until then
 * @param maxEventAge how far behind this machine's clock an event time may be (zero: no bound); an older one goes to
 *     the dead letters, because the outputs carry event times as record timestamps and a topic's retention would
 *     delete them as soon as they are written (Kafka's default retention is 7 days)
 * @param maxRecordBytes the largest serialized input value the job accepts; a larger record goes to the dead letters
 *     undecoded, so one huge record cannot bloat the job's state and the batches
 */
public record IngestConfig(
    BatchPolicy policy,
    long replaySeed,
    HeldOutSplit heldOut,
    TextLimits limits,
    int maxTokens,
    Duration descriptionWait,
    Duration batchTimeout,
    Duration outOfOrderness,
    Duration idleness,
    Duration checkpointInterval,
    String batchIdPrefix,
    Duration maxFutureSkew,
    Duration maxEventAge,
    int maxRecordBytes) implements Serializable {
  /** Far above the largest valid record: a description of {@link TextLimits#DEFAULT_MAX_CHARS} with its ids. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;

  public IngestConfig {
    if (maxEventAge.isNegative() || maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException("maxFutureSkew and maxEventAge must not be negative");
    }
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be >= 1, got " + maxRecordBytes);
    }
  }

  public static IngestConfig defaults() {
    return new IngestConfig(
        BatchPolicy.paperDefaults(),
        0x5eedL,
        HeldOutSplit.defaults(),
        TextLimits.defaults(),
        TextViews.DEFAULT_MAX_TOKENS,
        Duration.ofMinutes(5),
        Duration.ofSeconds(30),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        "ingest",
        Duration.ofMinutes(5),
        Duration.ofDays(7),
        DEFAULT_MAX_RECORD_BYTES);
  }

  public IngestConfig withPolicy(BatchPolicy newPolicy) {
    return new IngestConfig(newPolicy, replaySeed, heldOut, limits, maxTokens, descriptionWait, batchTimeout,
        outOfOrderness, idleness, checkpointInterval, batchIdPrefix, maxFutureSkew, maxEventAge, maxRecordBytes);
  }

  public IngestConfig withHeldOut(HeldOutSplit newHeldOut) {
    return new IngestConfig(policy, replaySeed, newHeldOut, limits, maxTokens, descriptionWait, batchTimeout,
        outOfOrderness, idleness, checkpointInterval, batchIdPrefix, maxFutureSkew, maxEventAge, maxRecordBytes);
  }

  public IngestConfig withTimes(Duration newDescriptionWait, Duration newBatchTimeout, Duration newIdleness) {
    return new IngestConfig(policy, replaySeed, heldOut, limits, maxTokens, newDescriptionWait, newBatchTimeout,
        outOfOrderness, newIdleness, checkpointInterval, batchIdPrefix, maxFutureSkew, maxEventAge, maxRecordBytes);
  }

  public IngestConfig withOutOfOrderness(Duration bound) {
    return new IngestConfig(policy, replaySeed, heldOut, limits, maxTokens, descriptionWait, batchTimeout,
        bound, idleness, checkpointInterval, batchIdPrefix, maxFutureSkew, maxEventAge, maxRecordBytes);
  }

  public IngestConfig withCheckpointInterval(Duration interval) {
    return new IngestConfig(policy, replaySeed, heldOut, limits, maxTokens, descriptionWait, batchTimeout,
        outOfOrderness, idleness, interval, batchIdPrefix, maxFutureSkew, maxEventAge, maxRecordBytes);
  }

  public IngestConfig withMaxFutureSkew(Duration skew) {
    return new IngestConfig(policy, replaySeed, heldOut, limits, maxTokens, descriptionWait, batchTimeout,
        outOfOrderness, idleness, checkpointInterval, batchIdPrefix, skew, maxEventAge, maxRecordBytes);
  }

  public IngestConfig withLimits(TextLimits newLimits) {
    return new IngestConfig(policy, replaySeed, heldOut, newLimits, maxTokens, descriptionWait, batchTimeout,
        outOfOrderness, idleness, checkpointInterval, batchIdPrefix, maxFutureSkew, maxEventAge, maxRecordBytes);
  }

  public IngestConfig withMaxEventAge(Duration age) {
    return new IngestConfig(policy, replaySeed, heldOut, limits, maxTokens, descriptionWait, batchTimeout,
        outOfOrderness, idleness, checkpointInterval, batchIdPrefix, maxFutureSkew, age, maxRecordBytes);
  }

  public IngestConfig withMaxRecordBytes(int bytes) {
    return new IngestConfig(policy, replaySeed, heldOut, limits, maxTokens, descriptionWait, batchTimeout,
        outOfOrderness, idleness, checkpointInterval, batchIdPrefix, maxFutureSkew, maxEventAge, bytes);
  }
}
