package io.kalmstream.cli;

import io.kalmstream.batching.BatchPolicy;
import io.kalmstream.batching.HeldOutSplit;
import io.kalmstream.batching.TextLimits;
import io.kalmstream.ingest.IngestConfig;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * Settings of the ingest job as command-line options. Their defaults are those of {@link
 * IngestConfig#defaults()} (picocli needs them as constant strings: CliDefaultsTest checks each
 * against the declaration).
 */
final class IngestOptions {
  private static final IngestConfig DEFAULTS = IngestConfig.defaults();

  @Option(
      names = "--contrastive-batch",
      paramLabel = "N",
      defaultValue = "24",
      description = "Pairs per contrastive batch (paper: 24). Default: ${DEFAULT-VALUE}.")
  int contrastiveBatch;

  @Option(
      names = "--instruction-batch",
      paramLabel = "M",
      defaultValue = "4",
      description = "Examples per instruction batch (paper: 4). Default: ${DEFAULT-VALUE}.")
  int instructionBatch;

  @Option(
      names = "--replay-share",
      paramLabel = "F",
      defaultValue = "0.25",
      description =
          "Share of each batch's slots filled from the replay reservoir. Default: ${DEFAULT-VALUE}.")
  double replayShare;

  @Option(
      names = "--replay-capacity",
      paramLabel = "N",
      defaultValue = "10000",
      description = "Pairs kept in the replay reservoir. Default: ${DEFAULT-VALUE}.")
  int replayCapacity;

  @Option(
      names = "--held-out",
      paramLabel = "F",
      defaultValue = "0.05",
      description =
          "Fraction of triples without a split field held out to kg.eval.triples. Default: ${DEFAULT-VALUE}.")
  double heldOut;

  @Option(
      names = "--description-wait",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "Event time a triple waits for missing descriptions before the DLQ. Default: ${DEFAULT-VALUE}.")
  Duration descriptionWait;

  @Option(
      names = "--batch-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Event time after which a partial batch is emitted. Default: ${DEFAULT-VALUE}.")
  Duration batchTimeout;

  @Option(
      names = "--idleness",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "A silent partition stops holding the watermark after this long (0 disables). "
              + "Default: ${DEFAULT-VALUE}.")
  Duration idleness;

  @Option(
      names = "--checkpoint-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Exactly-once checkpoint interval; batches become visible when a checkpoint completes. "
              + "Default: ${DEFAULT-VALUE}.")
  Duration checkpointInterval;

  @Option(
      names = "--max-text-chars",
      paramLabel = "N",
      defaultValue = "4096",
      description = "Longer descriptions go to the DLQ. Default: ${DEFAULT-VALUE}.")
  int maxTextChars;

  @Option(
      names = "--batch-id-prefix",
      paramLabel = "PREFIX",
      defaultValue = "ingest",
      description = "Prefix of batch ids. Default: ${DEFAULT-VALUE}.")
  String batchIdPrefix;

  @Option(
      names = "--max-future-skew",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "Records stamped further ahead of this machine's clock go to the DLQ and never move the "
              + "watermark. Keep it under the broker's log.message.timestamp.after.max.ms (1h by default), which "
              + "refuses outputs stamped further ahead. Default: ${DEFAULT-VALUE}.")
  Duration maxFutureSkew;

  @Option(
      names = "--max-event-age",
      paramLabel = "DURATION",
      defaultValue = "7d",
      converter = DurationConverter.class,
      description =
          "Records stamped further behind this machine's clock go to the DLQ: the outputs carry event "
              + "times, which a topic's retention would delete at once (0 accepts any age, for a backfill into topics "
              + "without time retention). Default: ${DEFAULT-VALUE}.")
  Duration maxEventAge;

  @Option(
      names = "--max-record-bytes",
      paramLabel = "N",
      defaultValue = "65536",
      description = "Larger input records go to the DLQ undecoded. Default: ${DEFAULT-VALUE}.")
  int maxRecordBytes;

  @Option(
      names = "--assembler-shards",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Shards of batch assembly, by each pair's (head, relation), which keeps the false-negative mask "
              + "exact; 0 means one per parallel subtask. Each shard fills its own batches. Default: ${DEFAULT-VALUE}.")
  int assemblerShards;

  IngestConfig config() {
    return IngestConfig.builder()
        .policy(new BatchPolicy(contrastiveBatch, instructionBatch, replayShare, replayCapacity))
        .heldOut(new HeldOutSplit(heldOut, DEFAULTS.heldOut().salt()))
        .limits(new TextLimits(maxTextChars))
        .descriptionWait(descriptionWait)
        .batchTimeout(batchTimeout)
        .idleness(idleness)
        .checkpointInterval(checkpointInterval)
        .batchIdPrefix(batchIdPrefix)
        .maxFutureSkew(maxFutureSkew)
        .maxEventAge(maxEventAge)
        .maxRecordBytes(maxRecordBytes)
        .assemblerShards(assemblerShards)
        .build();
  }

  /** "500ms", "30s", "5m", "2h", "7d", "0", or ISO-8601 ("PT30S"). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      if (v.startsWith("pt") || v.startsWith("p")) {
        return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
      }
      if (v.equals("0")) {
        return Duration.ZERO;
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long amount = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default ->
            throw new IllegalArgumentException(
                "not a duration: '" + value + "' (use 500ms, 30s, 5m, 2h, 7d)");
      };
    }
  }
}
