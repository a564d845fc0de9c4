package io.kalmstream.scorer;

import io.kalmstream.schemas.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the scorer needs to run, with embedded-mode defaults ({@link #defaults}); the CLI overrides
 * fields from options and {@code KALM_*} environment variables.
 *
 * @param maxBatch queries buffered before a forward pass is forced
 * @param batchLinger longest a query waits for others to share its forward pass
 * @param maxK largest k a query may ask for
 * @param embedBatch texts per forward pass while (re-)indexing entities
 * @param searchThreads threads of the top-k search
 * @param evalSample newest eval triples re-ranked under each new version (bounds the cost of a swap)
 * @param anisotropyAboveBase ANISOTROPY_HIGH fires when a version's anisotropy is above the base model's (version
 *     0) by more than this while its MRR is no better than the base model's: a fixed threshold says nothing when
 *     the base model already sits near it
 * @param anisotropyDriftMargin ANISOTROPY_DRIFT fires when anisotropy rises above the lowest value of the run so
 *     far by more than this
 * @param mrrRegressionMargin MRR_REGRESSION fires when MRR falls below the best version's by more than this share
 *     of it (and by at least {@link #MIN_MRR_FALL})
 * @param httpPort port of the dashboard endpoints; 0 picks a free port, -1 disables them
 * @param exactlyOnce Kafka Streams exactly_once_v2 (else at_least_once)
 * @param reindexShare largest share of one core's time that full re-indexes after checkpoints may take: after a
 *     re-index of d seconds the next one starts d·(1 − share)/share seconds later at the earliest, skipping the
 *     versions announced meanwhile but the newest (entities that arrive are embedded at once all the same); 1
 *     re-indexes every checkpoint
 */
public record ScorerConfig(
    String applicationId,
    String bootstrapServers,
    Topics topics,
    Path stateDir,
    int maxBatch,
    Duration batchLinger,
    int maxK,
    int embedBatch,
    int searchThreads,
    int evalSample,
    double anisotropyAboveBase,
    double anisotropyDriftMargin,
    double mrrRegressionMargin,
    int httpPort,
    int historySize,
    boolean exactlyOnce,
    double reindexShare) {

  /** MRR on a sample of a hundred triples moves by this much by chance; smaller falls raise nothing. */
  public static final double MIN_MRR_FALL = 0.01;

  public static final int DEFAULT_HTTP_PORT = 8082;

  public static ScorerConfig defaults(String bootstrapServers, Path stateDir) {
    return new ScorerConfig("kalm-scorer", bootstrapServers, Topics.defaults(), stateDir,
        64, Duration.ofMillis(5), 1000, 256, Runtime.getRuntime().availableProcessors(), 500,
        0.02, 0.1, 0.5, DEFAULT_HTTP_PORT, 500, true, 0.2);
  }

  public ScorerConfig {
    if (maxBatch < 1 || maxK < 1 || embedBatch < 1 || searchThreads < 1 || evalSample < 0 || historySize < 1) {
      throw new IllegalArgumentException("maxBatch, maxK, embedBatch, searchThreads, historySize must be >= 1"
          + " and evalSample >= 0");
    }
    if (!(reindexShare > 0 && reindexShare <= 1)) {
      throw new IllegalArgumentException("reindexShare must be in (0, 1], got " + reindexShare);
    }
  }

  public ScorerConfig withHttpPort(int port) {
    return new ScorerConfig(applicationId, bootstrapServers, topics, stateDir, maxBatch, batchLinger, maxK,
        embedBatch, searchThreads, evalSample, anisotropyAboveBase, anisotropyDriftMargin, mrrRegressionMargin,
        port, historySize, exactlyOnce, reindexShare);
  }

  public ScorerConfig withThresholds(double anisotropy, double drift, double mrrRegression) {
    return new ScorerConfig(applicationId, bootstrapServers, topics, stateDir, maxBatch, batchLinger, maxK,
        embedBatch, searchThreads, evalSample, anisotropy, drift, mrrRegression, httpPort, historySize, exactlyOnce,
        reindexShare);
  }
}
