package io.kalmstream.scorer;

import io.kalmstream.checkpoints.CheckpointLocation;
import io.kalmstream.checkpoints.S3Prefix;
import io.kalmstream.checkpoints.S3Settings;
import io.kalmstream.schemas.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything the scorer needs to run. {@link #builder(String, Path)} starts from the embedded-mode
 * defaults and changes one field at a time; the record's constructor validates every combination.
 * The CLI maps its options onto the builder.
 *
 * @param applicationId Kafka Streams application id (the consumer group and the prefix of internal
 *     topics)
 * @param bootstrapServers Kafka bootstrap servers
 * @param clientProperties further Kafka client settings (security, tuning) given to the Streams
 *     instance and every client it creates
 * @param topics topic names
 * @param stateDir Kafka Streams state directory
 * @param maxBatch queries buffered before a forward pass is forced
 * @param batchLinger longest a query waits for others to share its forward pass
 * @param maxK largest k a query may ask for
 * @param maxQueryTextChars longest free-text query entity, in characters (longer ones are refused,
 *     not cut)
 * @param embedBatch texts per forward pass while (re-)indexing entities
 * @param searchThreads threads of the top-k search
 * @param evalSample newest eval triples re-ranked under each new version (bounds the cost of a
 *     swap)
 * @param anisotropyAboveBase ANISOTROPY_HIGH fires when a version's anisotropy is above the base
 *     model's (version 0) by more than this while its MRR is no better than the base model's: a
 *     fixed threshold says nothing when the base model already sits near it
 * @param anisotropyDriftMargin ANISOTROPY_DRIFT fires when anisotropy rises above the lowest value
 *     of the run so far by more than this
 * @param mrrRegressionMargin MRR_REGRESSION fires when MRR falls below the best version's by more
 *     than this share of it (and by at least {@link #MIN_MRR_FALL})
 * @param checkpointRoot the checkpoint store, a directory or an {@code s3://bucket/prefix}:
 *     announced checkpoints outside it (for a directory, after following symlinks) are refused,
 *     because the announcement's hashes prove integrity, not origin
 * @param s3 how to reach an {@code s3://} checkpoint store; null when the store is a directory
 * @param checkpointCache where checkpoints of an {@code s3://} store are downloaded to be verified
 *     and loaded; this scorer owns it
 * @param maxVersionJump largest step from the newest accepted version to an announced one; a bigger
 *     jump is not a plausible successor and is refused, so one bogus announcement cannot outrank
 *     every later checkpoint
 * @param httpBindAddress interface of the dashboard endpoints (loopback unless a deployment exposes
 *     them)
 * @param httpPort port of the dashboard endpoints; 0 picks a free port, -1 disables them
 * @param allowedOrigins browser origins allowed to call the endpoints cross-origin (CORS); empty
 *     allows none
 * @param historySize metrics, alerts and answers kept in memory for the endpoints
 * @param exactlyOnce Kafka Streams exactly_once_v2 (else at_least_once)
 * @param reindexShare largest share of one core's time that full re-indexes after checkpoints may
 *     take: after a re-index of d seconds the next one starts d·(1 − share)/share seconds later at
 *     the earliest, skipping the versions announced meanwhile but the newest (entities that arrive
 *     are embedded at once all the same); 1 re-indexes every checkpoint
 */
public record ScorerConfig(
    String applicationId,
    String bootstrapServers,
    Map<String, String> clientProperties,
    Topics topics,
    Path stateDir,
    int maxBatch,
    Duration batchLinger,
    int maxK,
    int maxQueryTextChars,
    int embedBatch,
    int searchThreads,
    int evalSample,
    double anisotropyAboveBase,
    double anisotropyDriftMargin,
    double mrrRegressionMargin,
    CheckpointLocation checkpointRoot,
    S3Settings s3,
    Path checkpointCache,
    long maxVersionJump,
    String httpBindAddress,
    int httpPort,
    List<String> allowedOrigins,
    int historySize,
    boolean exactlyOnce,
    double reindexShare) {

  /**
   * MRR on a sample of a hundred triples moves by this much by chance; smaller falls raise nothing.
   */
  public static final double MIN_MRR_FALL = 0.01;

  public static final int DEFAULT_HTTP_PORT = 8082;

  public ScorerConfig {
    if (maxBatch < 1
        || maxK < 1
        || embedBatch < 1
        || searchThreads < 1
        || evalSample < 0
        || historySize < 1) {
      throw new IllegalArgumentException(
          "maxBatch, maxK, embedBatch, searchThreads, historySize must be >= 1"
              + " and evalSample >= 0");
    }
    if (maxQueryTextChars < 1) {
      throw new IllegalArgumentException(
          "maxQueryTextChars must be >= 1, got " + maxQueryTextChars);
    }
    if (!(reindexShare > 0 && reindexShare <= 1)) {
      throw new IllegalArgumentException("reindexShare must be in (0, 1], got " + reindexShare);
    }
    if (checkpointRoot == null) {
      throw new IllegalArgumentException(
          "checkpointRoot must be set: the scorer loads checkpoints only from there");
    }
    if (checkpointRoot instanceof S3Prefix && s3 == null) {
      throw new IllegalArgumentException(
          "the checkpoint store " + checkpointRoot + " needs S3 settings");
    }
    if (checkpointCache == null) {
      throw new IllegalArgumentException("checkpointCache must be set");
    }
    if (maxVersionJump < 1) {
      throw new IllegalArgumentException("maxVersionJump must be >= 1, got " + maxVersionJump);
    }
    if (httpPort < -1 || httpPort > 65535 || httpBindAddress == null || httpBindAddress.isBlank()) {
      throw new IllegalArgumentException(
          "httpPort must be -1..65535 and httpBindAddress set, got "
              + httpBindAddress
              + ":"
              + httpPort);
    }
    if (allowedOrigins.contains("*")) {
      throw new IllegalArgumentException(
          "a wildcard CORS origin would let any web page query the scorer: name "
              + "the dashboard's origin instead");
    }
    checkpointCache = checkpointCache.toAbsolutePath().normalize();
    clientProperties = Map.copyOf(clientProperties);
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  /**
   * The embedded-mode defaults, for a cluster at {@code bootstrapServers} and state under {@code
   * stateDir}.
   */
  public static Builder builder(String bootstrapServers, Path stateDir) {
    return new Builder(
        new ScorerConfig(
            "kalm-scorer",
            bootstrapServers,
            Map.of(),
            Topics.defaults(),
            stateDir,
            64,
            Duration.ofMillis(5),
            1000,
            2000,
            256,
            Runtime.getRuntime().availableProcessors(),
            500,
            0.02,
            0.1,
            0.5,
            new CheckpointLocation.Directory(Path.of(".kalm/checkpoints")),
            null,
            stateDir.resolve("checkpoint-cache"),
            10_000_000L,
            "127.0.0.1",
            DEFAULT_HTTP_PORT,
            List.of(),
            500,
            true,
            0.2));
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes fields one at a time; {@link #build()} validates them together. */
  public static final class Builder {
    private String applicationId;
    private String bootstrapServers;
    private Map<String, String> clientProperties;
    private Topics topics;
    private Path stateDir;
    private int maxBatch;
    private Duration batchLinger;
    private int maxK;
    private int maxQueryTextChars;
    private int embedBatch;
    private int searchThreads;
    private int evalSample;
    private double anisotropyAboveBase;
    private double anisotropyDriftMargin;
    private double mrrRegressionMargin;
    private CheckpointLocation checkpointRoot;
    private S3Settings s3;
    private Path checkpointCache;
    private long maxVersionJump;
    private String httpBindAddress;
    private int httpPort;
    private List<String> allowedOrigins;
    private int historySize;
    private boolean exactlyOnce;
    private double reindexShare;

    private Builder(ScorerConfig c) {
      applicationId = c.applicationId;
      bootstrapServers = c.bootstrapServers;
      clientProperties = c.clientProperties;
      topics = c.topics;
      stateDir = c.stateDir;
      maxBatch = c.maxBatch;
      batchLinger = c.batchLinger;
      maxK = c.maxK;
      maxQueryTextChars = c.maxQueryTextChars;
      embedBatch = c.embedBatch;
      searchThreads = c.searchThreads;
      evalSample = c.evalSample;
      anisotropyAboveBase = c.anisotropyAboveBase;
      anisotropyDriftMargin = c.anisotropyDriftMargin;
      mrrRegressionMargin = c.mrrRegressionMargin;
      checkpointRoot = c.checkpointRoot;
      s3 = c.s3;
      checkpointCache = c.checkpointCache;
      maxVersionJump = c.maxVersionJump;
      httpBindAddress = c.httpBindAddress;
      httpPort = c.httpPort;
      allowedOrigins = c.allowedOrigins;
      historySize = c.historySize;
      exactlyOnce = c.exactlyOnce;
      reindexShare = c.reindexShare;
    }

    public Builder applicationId(String v) {
      applicationId = v;
      return this;
    }

    public Builder clientProperties(Map<String, String> v) {
      clientProperties = v;
      return this;
    }

    public Builder topics(Topics v) {
      topics = v;
      return this;
    }

    public Builder maxBatch(int v) {
      maxBatch = v;
      return this;
    }

    public Builder batchLinger(Duration v) {
      batchLinger = v;
      return this;
    }

    public Builder maxK(int v) {
      maxK = v;
      return this;
    }

    public Builder maxQueryTextChars(int v) {
      maxQueryTextChars = v;
      return this;
    }

    public Builder embedBatch(int v) {
      embedBatch = v;
      return this;
    }

    public Builder searchThreads(int v) {
      searchThreads = v;
      return this;
    }

    public Builder evalSample(int v) {
      evalSample = v;
      return this;
    }

    public Builder anisotropyAboveBase(double v) {
      anisotropyAboveBase = v;
      return this;
    }

    public Builder anisotropyDriftMargin(double v) {
      anisotropyDriftMargin = v;
      return this;
    }

    public Builder mrrRegressionMargin(double v) {
      mrrRegressionMargin = v;
      return this;
    }

    public Builder checkpointRoot(CheckpointLocation v) {
      checkpointRoot = v;
      return this;
    }

    /** A directory store at {@code v}. */
    public Builder checkpointRoot(Path v) {
      return checkpointRoot(new CheckpointLocation.Directory(v));
    }

    public Builder s3(S3Settings v) {
      s3 = v;
      return this;
    }

    public Builder checkpointCache(Path v) {
      checkpointCache = v;
      return this;
    }

    public Builder maxVersionJump(long v) {
      maxVersionJump = v;
      return this;
    }

    public Builder httpBindAddress(String v) {
      httpBindAddress = v;
      return this;
    }

    public Builder httpPort(int v) {
      httpPort = v;
      return this;
    }

    public Builder allowedOrigins(List<String> v) {
      allowedOrigins = v;
      return this;
    }

    public Builder historySize(int v) {
      historySize = v;
      return this;
    }

    public Builder exactlyOnce(boolean v) {
      exactlyOnce = v;
      return this;
    }

    public Builder reindexShare(double v) {
      reindexShare = v;
      return this;
    }

    public ScorerConfig build() {
      return new ScorerConfig(
          applicationId,
          bootstrapServers,
          clientProperties,
          topics,
          stateDir,
          maxBatch,
          batchLinger,
          maxK,
          maxQueryTextChars,
          embedBatch,
          searchThreads,
          evalSample,
          anisotropyAboveBase,
          anisotropyDriftMargin,
          mrrRegressionMargin,
          checkpointRoot,
          s3,
          checkpointCache,
          maxVersionJump,
          httpBindAddress,
          httpPort,
          allowedOrigins,
          historySize,
          exactlyOnce,
          reindexShare);
    }
  }
}
