package io.kalmstream.cli.local;

import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.checkpoints.DirectoryCheckpointStore;
import io.kalmstream.cli.EngineEnvironment;
import io.kalmstream.cli.ModelTextViews;
import io.kalmstream.cli.dashboard.Dashboard;
import io.kalmstream.cli.load.LoadPlan;
import io.kalmstream.cli.load.ProgressBar;
import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.ingest.IngestConfig;
import io.kalmstream.ingest.KafkaSettings;
import io.kalmstream.schemas.kafka.ClientProperties;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.TopicSpec;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.RegistryTls;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.scorer.LlamaModelLoader;
import io.kalmstream.scorer.ScorerApp;
import io.kalmstream.scorer.ScorerConfig;
import io.kalmstream.scorer.ScorerSerdes;
import io.kalmstream.trainer.TrainerRuns;
import io.kalmstream.trainer.loop.KafkaTrainerConfig;
import io.kalmstream.trainer.loop.LoopSettings;
import io.kalmstream.trainer.metrics.TrainerMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one JVM: embedded KRaft broker and Apicurio registry, the topics, the
 * ingest job on a Flink MiniCluster, the trainer, the scorer, the dashboard and the loader, started
 * in that order and stopped in reverse by {@link #close()}.
 */
public final class LocalPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);
  private static final int STAGES = 7;
  private static final String MARKER = ".kalm-local";
  private static final String TRAINER_GROUP = "kalm-trainer";
  private static final int TRAINER_LOG_EVERY_STEPS = 5;

  /** Enough for the scorer to load the newest while older ones go. */
  private static final int RETAINED_CHECKPOINTS = 5;

  private static final Duration QUERY_GATE_LIMIT = Duration.ofMinutes(5);

  private final Stages stages;
  private final KafkaAndRegistry runtime;
  private final KafkaConnection connection;
  private final ScorerApp scorer;
  private final Dashboard dashboard;
  private final ModelTextViews views;

  private LocalPipeline(
      Stages stages,
      KafkaAndRegistry runtime,
      KafkaConnection connection,
      ScorerApp scorer,
      Dashboard dashboard,
      ModelTextViews views) {
    this.stages = stages;
    this.connection = connection;
    this.views = views;
    this.runtime = runtime;
    this.scorer = scorer;
    this.dashboard = dashboard;
  }

  public static LocalPipeline start(LocalSettings s) throws Exception {
    Files.createDirectories(s.workDir());
    Files.writeString(
        s.workDir().resolve(MARKER), "work directory of kalm local; --clean deletes it\n");
    // Read before anything starts, so a wrong --dataset fails in a second rather than after the
    // broker is up.
    LoadPlan plan = s.load() ? LoadPlan.of(KgDatasetReader.read(s.datasetDir()), s.slice()) : null;
    Topics topics = Topics.defaults();
    Stages stages = new Stages(STAGES);
    ModelTextViews views = new ModelTextViews(s.modelDir());
    try {
      KafkaAndRegistry runtime =
          stages.start(
              "Kafka broker (KRaft) and schema registry (Apicurio)",
              () ->
                  s.secured()
                      ? KafkaAndRegistry.startSecured(s.runtimeDir())
                      : KafkaAndRegistry.start(s.runtimeDir()),
              r ->
                  "bootstrap "
                      + r.bootstrapServers()
                      + (s.secured() ? " (SASL_SSL only)" : "")
                      + ", registry "
                      + r.registryUrl()
                      + ", data in "
                      + s.runtimeDir());
      KafkaConnection connection = connectionOf(runtime);
      RegistryConfig registry = connection.registry();
      stages.start(
          "topics",
          () -> {
            runtime.createTopics(topics.newTopics((short) 1));
            return () -> {};
          },
          t -> topics.all().stream().map(TopicSpec::name).collect(Collectors.joining(", ")));

      stages.start(
          "ingest job on a Flink MiniCluster",
          () ->
              FlinkIngest.start(
                  s.ingest(),
                  KafkaSettings.of(connection).withTopics(topics),
                  s.flinkCheckpointDir(),
                  1),
          FlinkIngest::describe);

      TrainerMetrics trainerMetrics = new TrainerMetrics();
      stages.start(
          "trainer (DJL, KaLM objective)",
          () ->
              new TrainerRun(
                      trainerCommon(s, trainerMetrics),
                      KafkaTrainerConfig.of(
                              runtime.bootstrapServers(), registry, TRAINER_GROUP, topics)
                          .withClientOverrides(connection.clientProperties().asMap()))
                  .start(),
          t -> t.describe() + ", into " + s.adapterCheckpointDir());

      ScorerApp scorer =
          stages.start(
              "scorer (Kafka Streams)",
              () ->
                  ScorerApp.start(
                      scorerConfig(s, connection, topics),
                      ScorerSerdes.registry(new SchemaRegistryClient(registry)),
                      new LlamaModelLoader(
                          s.modelDir(),
                          EngineEnvironment.modelOptions(),
                          LlamaModelLoader.DEFAULT_MAX_TOKENS),
                      views.views()),
              app ->
                  "model "
                      + s.modelDir()
                      + ", endpoints on http://127.0.0.1:"
                      + app.httpPort()
                      + "/api/version");

      Dashboard dashboard =
          stages.start(
              "dashboard",
              () ->
                  Dashboard.start(
                      new Dashboard.Settings(
                          s.dashboardHost(),
                          s.dashboardPort(),
                          connection,
                          topics,
                          "http://127.0.0.1:" + scorer.httpPort(),
                          trainerMetrics::scrape,
                          s.dashboardPoll())),
              d -> "open " + d.url());

      if (plan != null) {
        stages.start(
            "loader",
            () ->
                new LoaderRun(
                        connection,
                        topics,
                        plan,
                        s.loadRate(),
                        ProgressBar.periodic(System.err, Duration.ofSeconds(30)),
                        scorerIndexed(scorer, plan))
                    .start(),
            LoaderRun::describe);
      } else {
        LOG.info(
            "[{}/{}] loader skipped (--no-load): the topics keep what earlier runs produced",
            STAGES,
            STAGES);
      }
      return new LocalPipeline(stages, runtime, connection, scorer, dashboard, views);
    } catch (Exception | Error e) {
      stages.close();
      views.close();
      throw e;
    }
  }

  private static TrainerRuns.Common trainerCommon(LocalSettings s, TrainerMetrics metrics)
      throws IOException {
    LoopSettings loop =
        LoopSettings.builder()
            .checkpointEverySteps(s.checkpointEverySteps())
            .checkpointInterval(s.checkpointInterval())
            .logEverySteps(TRAINER_LOG_EVERY_STEPS)
            .idleReplay(LocalSettings.DEFAULT_IDLE_REPLAY_STEPS)
            .build();
    return new TrainerRuns.Common(
        s.modelDir(),
        EngineEnvironment.modelOptions(),
        s.trainer(),
        new DirectoryCheckpointStore(s.adapterCheckpointDir(), RETAINED_CHECKPOINTS),
        loop,
        metrics,
        List.of());
  }

  /**
   * Whether the scorer has embedded the plan's entities, so the loader's queries get answers rather
   * than "index still empty"; after {@link #QUERY_GATE_LIMIT} the queries go anyway (an entity the
   * scorer refused must not hold them back forever).
   */
  private static BooleanSupplier scorerIndexed(ScorerApp scorer, LoadPlan plan) {
    long deadline = System.nanoTime() + QUERY_GATE_LIMIT.toNanos();
    return () ->
        scorer.runtime().indexedEntities() >= plan.entities().size()
            || System.nanoTime() > deadline;
  }

  private static ScorerConfig scorerConfig(
      LocalSettings s, KafkaConnection connection, Topics topics) {
    return ScorerConfig.builder(connection.bootstrapServers(), s.scorerStateDir())
        .clientProperties(connection.clientProperties().asMap())
        .topics(topics)
        .evalSample(s.evalSample())
        .httpPort(s.scorerPort())
        .checkpointRoot(s.adapterCheckpointDir())
        .build();
  }

  /** How every component of this JVM reaches the embedded runtime, secured or not. */
  public static KafkaConnection connectionOf(KafkaAndRegistry runtime) {
    RegistryConfig registry = RegistryConfig.of(runtime.registryUrl());
    if (runtime.security() != null) {
      registry =
          registry.withCredentials(
              runtime.security().registryUserInfo(),
              RegistryTls.trusting(
                  runtime.security().truststore(), runtime.security().truststorePassword()));
    }
    return new KafkaConnection(
        runtime.bootstrapServers(), ClientProperties.of(runtime.clientProperties()), registry);
  }

  /**
   * The ingest settings of {@code kalm local}: small batches, frequent Flink checkpoints, a short
   * batch timeout, and event time that keeps up with one local producer (little out-of-orderness;
   * the description topics, quiet once loaded, stop holding the watermark back after seconds rather
   * than half a minute).
   */
  public static IngestConfig ingestConfig(int contrastiveBatch, int instructionBatch) {
    return IngestConfig.builder()
        .batchSizes(contrastiveBatch, instructionBatch)
        .checkpointInterval(LocalSettings.DEFAULT_FLINK_CHECKPOINT_INTERVAL)
        .batchTimeout(LocalSettings.DEFAULT_BATCH_TIMEOUT)
        .idleness(LocalSettings.DEFAULT_IDLENESS)
        .outOfOrderness(LocalSettings.DEFAULT_OUT_OF_ORDERNESS)
        .build();
  }

  public String dashboardUrl() {
    return dashboard.url();
  }

  public int scorerPort() {
    return scorer.httpPort();
  }

  /** How a client reaches this pipeline's broker and registry (with credentials when secured). */
  public KafkaConnection connection() {
    return connection;
  }

  public String bootstrapServers() {
    return runtime.bootstrapServers();
  }

  public String registryUrl() {
    return runtime.registryUrl();
  }

  @Override
  public void close() {
    LOG.info("stopping the local pipeline");
    stages.close();
    views.close();
  }

  /**
   * Deletes the work directory of an earlier run. Only a directory this command created (it holds
   * the marker file) is deleted, so a mistyped --work-dir cannot wipe anything else.
   */
  public static void clean(Path workDir) throws IOException {
    if (!Files.exists(workDir)) {
      return;
    }
    if (!Files.exists(workDir.resolve(MARKER))) {
      throw new IllegalArgumentException(
          workDir
              + " was not created by kalm local (no "
              + MARKER
              + " in it); not deleting it. Choose another --work-dir or remove it yourself.");
    }
    try (Stream<Path> paths = Files.walk(workDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    LOG.info("removed the earlier run's {}", workDir);
  }
}
