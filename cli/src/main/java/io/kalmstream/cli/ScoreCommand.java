package io.kalmstream.cli;

import io.kalmstream.checkpoints.CheckpointLocation;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.scorer.LlamaModelLoader;
import io.kalmstream.scorer.ScorerApp;
import io.kalmstream.scorer.ScorerConfig;
import io.kalmstream.scorer.ScorerSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description =
        "Run the Kafka Streams scorer: link prediction, live metrics, drift alerts, dashboard endpoints.")
final class ScoreCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Mixin ModelDirOption model;

  @Option(
      names = "--state-dir",
      defaultValue = "${env:KALM_STATE_DIR:-.kalm}/scorer",
      description = "Kafka Streams state directory (default: ${DEFAULT-VALUE})")
  Path stateDir;

  @Option(
      names = "--application-id",
      defaultValue = "kalm-scorer",
      description = "Kafka Streams application id")
  String applicationId;

  @Option(
      names = "--http-port",
      defaultValue = "${env:KALM_SCORER_HTTP_PORT:-8082}",
      description =
          "Dashboard endpoints port; 0 picks one, -1 disables (default: ${DEFAULT-VALUE})")
  int httpPort;

  @Option(
      names = "--max-batch",
      defaultValue = "64",
      description = "Queries per forward pass at most")
  int maxBatch;

  @Option(
      names = "--linger-ms",
      defaultValue = "5",
      description = "How long a query waits for others to batch with")
  long lingerMs;

  @Option(names = "--max-k", defaultValue = "1000", description = "Largest k a query may ask for")
  int maxK;

  @Option(names = "--search-threads", description = "Top-k search threads (default: all cores)")
  Integer searchThreads;

  @Option(
      names = "--eval-sample",
      defaultValue = "500",
      description = "Eval triples re-ranked under each new version")
  int evalSample;

  @Option(
      names = "--anisotropy-above-base",
      defaultValue = "${env:KALM_ANISOTROPY_ABOVE_BASE:-0.02}",
      description =
          "ANISOTROPY_HIGH when a version's anisotropy exceeds the base model's by more than this "
              + "(default: ${DEFAULT-VALUE})")
  double anisotropyAboveBase;

  @Option(
      names = "--anisotropy-drift",
      defaultValue = "${env:KALM_ANISOTROPY_DRIFT:-0.1}",
      description =
          "ANISOTROPY_DRIFT when anisotropy rises above the run's lowest by more than this "
              + "(default: ${DEFAULT-VALUE})")
  double anisotropyDrift;

  @Option(
      names = "--mrr-regression",
      defaultValue = "${env:KALM_MRR_REGRESSION:-0.5}",
      description =
          "MRR_REGRESSION when MRR falls below the best version's by more than this share of it, and by "
              + "at least "
              + ScorerConfig.MIN_MRR_FALL
              + " (default: ${DEFAULT-VALUE})")
  double mrrRegression;

  @Option(
      names = "--reindex-share",
      defaultValue = "0.2",
      description =
          "Largest share of one core that full re-indexes after checkpoints may take; versions announced "
              + "in between are skipped but the newest (default: ${DEFAULT-VALUE})")
  double reindexShare;

  @Option(names = "--at-least-once", description = "at_least_once instead of exactly_once_v2")
  boolean atLeastOnce;

  @Option(
      names = "--max-tokens",
      defaultValue = "" + LlamaModelLoader.DEFAULT_MAX_TOKENS,
      description = "Token limit per embedded text")
  int maxTokens;

  @Mixin TorchThreadsOption torchThreads;

  @Mixin HttpBindOption http;

  @Option(
      names = "--allowed-origin",
      paramLabel = "ORIGIN",
      description =
          "A browser origin allowed to call the endpoints cross-origin (CORS), e.g. "
              + "http://dashboard.example:8080. Repeatable; none by default (the dashboard calls them server-side).")
  List<String> allowedOrigins = new ArrayList<>();

  @Option(
      names = "--max-query-text",
      paramLabel = "CHARS",
      defaultValue = "2000",
      description = "Longest free-text entity a query may carry. Default: ${DEFAULT-VALUE}.")
  int maxQueryText;

  @Option(
      names = "--checkpoint-root",
      paramLabel = "DIR|s3://BUCKET/PREFIX",
      defaultValue = "${env:KALM_CHECKPOINT_ROOT:-.kalm/checkpoints}",
      converter = CheckpointStoreOptions.LocationConverter.class,
      description =
          "The checkpoint store, a directory or s3://bucket/prefix: announced checkpoints outside it "
              + "(symlinks followed; for S3 other buckets, prefixes and '..') are refused. "
              + "Default: $KALM_CHECKPOINT_ROOT, else ${DEFAULT-VALUE} (kalm train's --out).")
  CheckpointLocation checkpointRoot;

  @Mixin CheckpointStoreOptions checkpointStore;

  @Option(
      names = "--max-version-jump",
      paramLabel = "STEPS",
      defaultValue = "10000000",
      description =
          "Refuse an announced version more than this far above the newest accepted one. "
              + "Default: ${DEFAULT-VALUE}.")
  long maxVersionJump;

  /** The scorer settings these options set, on top of {@code config}. */
  ScorerConfig.Builder configure(ScorerConfig.Builder config) {
    config
        .applicationId(applicationId)
        .maxBatch(maxBatch)
        .batchLinger(Duration.ofMillis(lingerMs))
        .maxK(maxK)
        .maxQueryTextChars(maxQueryText)
        .evalSample(evalSample)
        .anisotropyAboveBase(anisotropyAboveBase)
        .anisotropyDriftMargin(anisotropyDrift)
        .mrrRegressionMargin(mrrRegression)
        .checkpointRoot(checkpointRoot)
        .s3(checkpointStore.s3For(checkpointRoot))
        .maxVersionJump(maxVersionJump)
        .httpBindAddress(http.bindAddress)
        .httpPort(httpPort)
        .allowedOrigins(allowedOrigins)
        .exactlyOnce(!atLeastOnce)
        .reindexShare(reindexShare);
    if (searchThreads != null) {
      config.searchThreads(searchThreads);
    }
    if (checkpointStore.cache != null) {
      config.checkpointCache(checkpointStore.cache);
    }
    return config;
  }

  @Override
  public Integer call() throws Exception {
    torchThreads.apply();
    KafkaConnection connection = kafka.checkedConnection();
    ScorerConfig.Builder config =
        configure(
            ScorerConfig.builder(connection.bootstrapServers(), stateDir)
                .clientProperties(connection.clientProperties().asMap())
                .topics(kafka.topics()));
    ScorerSerdes serdes = ScorerSerdes.registry(new SchemaRegistryClient(connection.registry()));
    CountDownLatch stopped = new CountDownLatch(1);
    try (ModelTextViews views = new ModelTextViews(model.modelDir());
        ScorerApp app =
            ScorerApp.start(
                config.build(),
                serdes,
                new LlamaModelLoader(
                    model.modelDir().normalize(), EngineEnvironment.modelOptions(), maxTokens),
                views.views())) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    app.close();
                    stopped.countDown();
                  },
                  "kalm-score-shutdown"));
      System.out.println(
          "kalm score: running against "
              + connection.bootstrapServers()
              + (app.httpPort() < 0
                  ? ""
                  : ", endpoints on http://"
                      + http.bindAddress
                      + ":"
                      + app.httpPort()
                      + "/api/version")
              + "; Ctrl-C stops it");
      stopped.await();
    }
    return 0;
  }
}
