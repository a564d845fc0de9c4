package io.kalmstream.ingest;

import io.kalmstream.batching.BatchPolicy;
import io.kalmstream.batching.HeldOutSplit;
import io.kalmstream.batching.TextLimits;
import io.kalmstream.batching.TextViews;
import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the ingest job. {@link #defaults()} holds the embedded-mode defaults, {@link
 * #toBuilder()} changes one field without restating the others, and the record's constructor
 * validates every combination. The CLI maps its options onto the builder (a test checks that its
 * defaults are these).
 *
 * @param policy batch sizes, replay share and reservoir size
 * @param replaySeed seed of the reservoir's reproducible randomness
 * @param heldOut the deterministic held-out split
 * @param limits what a description must satisfy
 * @param maxTokens per-part truncation of the text views (word-based in the job, see
 *     Truncation.WORDS)
 * @param descriptionWait how long (event time) a triple waits for a missing description before the
 *     DLQ
 * @param batchTimeout how long (event time) a non-empty partial batch waits before it is emitted
 *     anyway
 * @param outOfOrderness bound of the watermark's lateness allowance
 * @param idleness a partition without records for this long (processing time) moves its watermark
 *     with the wall clock: it stops holding the others back, and in a quiet stream description
 *     waits and batch timeouts still expire; zero disables it, which keeps bounded replays exactly
 *     reproducible
 * @param checkpointInterval interval of the exactly-once checkpoints
 * @param batchIdPrefix prefix of the batch ids ("prefix-0-0000000001": prefix, shard, sequence), to
 *     tell runs of different jobs apart
 * @param maxFutureSkew how far ahead of this machine's clock an event time may be; one further
 *     ahead goes to the dead letters and never moves the watermark, which would otherwise hold
 *     every later record back until then
 * @param maxEventAge how far behind this machine's clock an event time may be (zero: no bound); an
 *     older one goes to the dead letters, because the outputs carry event times as record
 *     timestamps and a topic's retention would delete them as soon as they are written (Kafka's
 *     default retention is 7 days)
 * @param maxRecordBytes the largest serialized input value the job accepts; a larger record goes to
 *     the dead letters undecoded, so one huge record cannot bloat the job's state and the batches
 * @param assemblerShards how many shards batch assembly is split into by each pair's (head,
 *     relation), which keeps the false-negative mask exact (see AssemblerShards); 0 means one per
 *     parallel subtask. Each shard fills its own batches, so with k shards a batch takes k times as
 *     long to fill at a given input rate.
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
    int maxRecordBytes,
    int assemblerShards)
    implements Serializable {
  /**
   * Far above the largest valid record: a description of {@link TextLimits#DEFAULT_MAX_CHARS} with
   * its ids.
   */
  public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;

  public IngestConfig {
    for (Duration d :
        new Duration[] {
          descriptionWait,
          batchTimeout,
          outOfOrderness,
          idleness,
          checkpointInterval,
          maxFutureSkew,
          maxEventAge
        }) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("ingest durations must be set and >= 0, got " + d);
      }
    }
    if (policy == null || heldOut == null || limits == null) {
      throw new IllegalArgumentException(
          "the batch policy, held-out split and text limits must be set");
    }
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be >= 1, got " + maxRecordBytes);
    }
    if (assemblerShards < 0) {
      throw new IllegalArgumentException(
          "assemblerShards must be >= 0 (0: one per subtask), got " + assemblerShards);
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
    }
    if (batchIdPrefix == null || batchIdPrefix.isBlank()) {
      throw new IllegalArgumentException("the batch id prefix must not be blank");
    }
  }

  /** The defaults: the one place each setting's default is written. */
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
        DEFAULT_MAX_RECORD_BYTES,
        0);
  }

  public static Builder builder() {
    return defaults().toBuilder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes fields one at a time; {@link #build()} validates them together. */
  public static final class Builder {
    private BatchPolicy policy;
    private long replaySeed;
    private HeldOutSplit heldOut;
    private TextLimits limits;
    private int maxTokens;
    private Duration descriptionWait;
    private Duration batchTimeout;
    private Duration outOfOrderness;
    private Duration idleness;
    private Duration checkpointInterval;
    private String batchIdPrefix;
    private Duration maxFutureSkew;
    private Duration maxEventAge;
    private int maxRecordBytes;
    private int assemblerShards;

    private Builder(IngestConfig c) {
      policy = c.policy;
      replaySeed = c.replaySeed;
      heldOut = c.heldOut;
      limits = c.limits;
      maxTokens = c.maxTokens;
      descriptionWait = c.descriptionWait;
      batchTimeout = c.batchTimeout;
      outOfOrderness = c.outOfOrderness;
      idleness = c.idleness;
      checkpointInterval = c.checkpointInterval;
      batchIdPrefix = c.batchIdPrefix;
      maxFutureSkew = c.maxFutureSkew;
      maxEventAge = c.maxEventAge;
      maxRecordBytes = c.maxRecordBytes;
      assemblerShards = c.assemblerShards;
    }

    public Builder policy(BatchPolicy v) {
      policy = v;
      return this;
    }

    public Builder replaySeed(long v) {
      replaySeed = v;
      return this;
    }

    public Builder heldOut(HeldOutSplit v) {
      heldOut = v;
      return this;
    }

    public Builder limits(TextLimits v) {
      limits = v;
      return this;
    }

    public Builder maxTokens(int v) {
      maxTokens = v;
      return this;
    }

    public Builder descriptionWait(Duration v) {
      descriptionWait = v;
      return this;
    }

    public Builder batchTimeout(Duration v) {
      batchTimeout = v;
      return this;
    }

    public Builder outOfOrderness(Duration v) {
      outOfOrderness = v;
      return this;
    }

    public Builder idleness(Duration v) {
      idleness = v;
      return this;
    }

    public Builder checkpointInterval(Duration v) {
      checkpointInterval = v;
      return this;
    }

    public Builder batchIdPrefix(String v) {
      batchIdPrefix = v;
      return this;
    }

    public Builder maxFutureSkew(Duration v) {
      maxFutureSkew = v;
      return this;
    }

    public Builder maxEventAge(Duration v) {
      maxEventAge = v;
      return this;
    }

    public Builder maxRecordBytes(int v) {
      maxRecordBytes = v;
      return this;
    }

    public Builder assemblerShards(int v) {
      assemblerShards = v;
      return this;
    }

    /** The batch policy with new sizes, its replay share and capacity kept. */
    public Builder batchSizes(int contrastive, int instruction) {
      policy =
          new BatchPolicy(contrastive, instruction, policy.replayShare(), policy.replayCapacity());
      return this;
    }

    public IngestConfig build() {
      return new IngestConfig(
          policy,
          replaySeed,
          heldOut,
          limits,
          maxTokens,
          descriptionWait,
          batchTimeout,
          outOfOrderness,
          idleness,
          checkpointInterval,
          batchIdPrefix,
          maxFutureSkew,
          maxEventAge,
          maxRecordBytes,
          assemblerShards);
    }
  }
}
