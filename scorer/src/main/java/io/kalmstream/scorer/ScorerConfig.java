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
 * @param anisotropyThreshold ANISOTROPY_HIGH fires when a version's anisotropy is above it
 * @param anisotropyDriftMargin ANISOTROPY_DRIFT fires when anisotropy rises by more than this
 * @param mrrRegressionMargin MRR_REGRESSION fires when MRR falls by more than this
 * @param httpPort port of the dashboard endpoints; 0 picks a free port, -1 disables them
 * @param exactlyOnce Kafka Streams exactly_once_v2 (else at_least_once)
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
    double anisotropyThreshold,
    double anisotropyDriftMargin,
    double mrrRegressionMargin,
    int httpPort,
    int historySize,
    boolean exactlyOnce) {

  public static final int DEFAULT_HTTP_PORT = 8082;

  public static ScorerConfig defaults(String bootstrapServers, Path stateDir) {
    return new ScorerConfig("kalm-scorer", bootstrapServers, Topics.defaults(), stateDir,
        64, Duration.ofMillis(5), 1000, 256, Runtime.getRuntime().availableProcessors(), 500,
        0.9, 0.05, 0.02, DEFAULT_HTTP_PORT, 500, true);
  }

  public ScorerConfig {
    if (maxBatch < 1 || maxK < 1 || embedBatch < 1 || searchThreads < 1 || evalSample < 0 || historySize < 1) {
      throw new IllegalArgumentException("maxBatch, maxK, embedBatch, searchThreads, historySize must be >= 1"
          + " and evalSample >= 0");
    }
  }

  public ScorerConfig withHttpPort(int port) {
    return new ScorerConfig(applicationId, bootstrapServers, topics, stateDir, maxBatch, batchLinger, maxK,
        embedBatch, searchThreads, evalSample, anisotropyThreshold, anisotropyDriftMargin, mrrRegressionMargin,
        port, historySize, exactlyOnce);
  }

  public ScorerConfig withThresholds(double anisotropy, double drift, double mrrRegression) {
    return new ScorerConfig(applicationId, bootstrapServers, topics, stateDir, maxBatch, batchLinger, maxK,
        embedBatch, searchThreads, evalSample, anisotropy, drift, mrrRegression, httpPort, historySize, exactlyOnce);
  }
}
