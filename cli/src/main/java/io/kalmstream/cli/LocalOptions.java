package io.kalmstream.cli;

import io.kalmstream.cli.local.LocalPipeline;
import io.kalmstream.cli.local.LocalSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code kalm local} but its work directory: shared with {@code kalm bench local},
 * which runs the same pipeline.
 */
final class LocalOptions {
  @Mixin ModelDirOption model;
  @Mixin DatasetDirOption dataset;
  @Mixin LoadOptions load;
  @Mixin DashboardOptions dashboard;

  @Option(
      names = "--load",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Stream the dataset (default). --no-load resumes on what earlier runs produced.")
  boolean loadDataset;

  @Option(
      names = "--contrastive-batch",
      paramLabel = "N",
      defaultValue = "" + LocalSettings.DEFAULT_CONTRASTIVE_BATCH,
      description = "Pairs per contrastive batch (paper: 24). Default: ${DEFAULT-VALUE}.")
  int contrastiveBatch;

  @Option(
      names = "--instruction-batch",
      paramLabel = "M",
      defaultValue = "" + LocalSettings.DEFAULT_INSTRUCTION_BATCH,
      description = "Examples per instruction batch (paper: 4). Default: ${DEFAULT-VALUE}.")
  int instructionBatch;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "STEPS",
      defaultValue = "" + LocalSettings.DEFAULT_CHECKPOINT_EVERY_STEPS,
      description =
          "Publish a checkpoint every this many training steps. Default: ${DEFAULT-VALUE}.")
  long checkpointEvery;

  @Option(
      names = "--checkpoint-interval",
      paramLabel = "SECONDS",
      defaultValue = "90",
      description = "... or this often when steps are slow. Default: ${DEFAULT-VALUE}.")
  long checkpointIntervalSeconds;

  @Option(
      names = "--warmup-steps",
      paramLabel = "STEPS",
      defaultValue = "" + LocalSettings.DEFAULT_WARMUP_STEPS,
      description = "Learning-rate warmup of the trainer (paper: 100). Default: ${DEFAULT-VALUE}.")
  long warmupSteps;

  @Option(
      names = "--eval-sample",
      paramLabel = "N",
      defaultValue = "" + LocalSettings.DEFAULT_EVAL_SAMPLE,
      description =
          "Eval triples the scorer ranks under each new model version. Default: ${DEFAULT-VALUE}.")
  int evalSample;

  @Option(
      names = "--scorer-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description =
          "Port of the scorer's HTTP endpoints; 0 picks a free one (printed). Default: ${DEFAULT-VALUE}.")
  int scorerPort;

  @Mixin TorchThreadsOption torchThreads;

  @Option(
      names = "--secured",
      description =
          "Run the embedded broker with SASL/PLAIN over TLS only and the registry behind HTTPS with basic "
              + "authentication (certificates and passwords generated into the work directory).")
  boolean secured;

  /**
   * The settings these options give, with the work directory {@code workDir}; sets the engine's
   * threads.
   */
  LocalSettings settings(Path workDir) {
    torchThreads.apply();
    return new LocalSettings(
        workDir.toAbsolutePath().normalize(),
        model.modelDir(),
        dataset.datasetDir(),
        loadDataset,
        load.slice(LocalSettings.DEFAULT_SLICE),
        load.rate(new Rate(LocalSettings.DEFAULT_RATE)).perSecond(),
        LocalPipeline.ingestConfig(contrastiveBatch, instructionBatch),
        LocalSettings.trainerSettings(warmupSteps),
        checkpointEvery,
        Duration.ofSeconds(checkpointIntervalSeconds),
        evalSample,
        scorerPort,
        dashboard.host,
        dashboard.port,
        dashboard.pollInterval(),
        secured);
  }
}
