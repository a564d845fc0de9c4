package io.kalmstream.cli;

import io.kalmstream.cli.local.LocalPipeline;
import io.kalmstream.cli.local.LocalSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "local", mixinStandardHelpOptions = true,
    description = {"Run the whole pipeline on one machine: embedded Kafka broker and schema registry, the ingest job "
        + "on a Flink MiniCluster, the trainer, the scorer, the live dashboard, and a loader streaming the dataset.",
        "The defaults stream a slice of the dataset sized for a 2-core laptop; every one can be overridden. "
            + "Ctrl-C stops everything."})
final class LocalCommand implements Callable<Integer> {
  @Mixin ModelDirOption model;
  @Mixin DatasetDirOption dataset;
  @Mixin LoadOptions load;
  @Mixin DashboardOptions dashboard;

  @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "${env:KALM_WORK_DIR:-.kalm/local}",
      description = "Broker and registry data, Flink and adapter checkpoints, scorer state. A second run resumes "
          + "from it. Default: ${DEFAULT-VALUE}.")
  Path workDir;

  @Option(names = "--clean", description = "Delete the work directory of an earlier run first and start afresh.")
  boolean clean;

  @Option(names = "--load", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Stream the dataset (default). --no-load resumes on what earlier runs produced.")
  boolean loadDataset;

  @Option(names = "--contrastive-batch", paramLabel = "N",
      defaultValue = "" + LocalSettings.DEFAULT_CONTRASTIVE_BATCH,
      description = "Pairs per contrastive batch (paper: 24). Default: ${DEFAULT-VALUE}.")
  int contrastiveBatch;

  @Option(names = "--instruction-batch", paramLabel = "M",
      defaultValue = "" + LocalSettings.DEFAULT_INSTRUCTION_BATCH,
      description = "Examples per instruction batch (paper: 4). Default: ${DEFAULT-VALUE}.")
  int instructionBatch;

  @Option(names = "--checkpoint-every", paramLabel = "STEPS",
      defaultValue = "" + LocalSettings.DEFAULT_CHECKPOINT_EVERY_STEPS,
      description = "Publish a checkpoint every this many training steps. Default: ${DEFAULT-VALUE}.")
  long checkpointEvery;

  @Option(names = "--checkpoint-interval", paramLabel = "SECONDS", defaultValue = "90",
      description = "... or this often when steps are slow. Default: ${DEFAULT-VALUE}.")
  long checkpointIntervalSeconds;

  @Option(names = "--warmup-steps", paramLabel = "STEPS", defaultValue = "" + LocalSettings.DEFAULT_WARMUP_STEPS,
      description = "Learning-rate warmup of the trainer (paper: 100). Default: ${DEFAULT-VALUE}.")
  long warmupSteps;

  @Option(names = "--eval-sample", paramLabel = "N", defaultValue = "" + LocalSettings.DEFAULT_EVAL_SAMPLE,
      description = "Eval triples the scorer ranks under each new model version. Default: ${DEFAULT-VALUE}.")
  int evalSample;

  @Option(names = "--scorer-port", paramLabel = "PORT", defaultValue = "0",
      description = "Port of the scorer's HTTP endpoints; 0 picks a free one (printed). Default: ${DEFAULT-VALUE}.")
  int scorerPort;

  @Option(names = "--torch-threads", paramLabel = "N", defaultValue = "${env:KALM_TORCH_THREADS:-1}",
      description = "PyTorch intra-op threads of the trainer and of the scorer each. Default: ${DEFAULT-VALUE}.")
  int torchThreads;

  @Override
  public Integer call() throws Exception {
    io.kalmstream.model.ModelOptions.setEngineThreads(torchThreads);
    LocalSettings settings;
    try {
      settings = new LocalSettings(workDir.toAbsolutePath().normalize(), model.modelDir(), dataset.datasetDir(),
          loadDataset, load.slice(LocalSettings.DEFAULT_SLICE),
          load.rate(new Rate(LocalSettings.DEFAULT_RATE)).perSecond(),
          LocalPipeline.ingestConfig(contrastiveBatch, instructionBatch), LocalSettings.trainerSettings(warmupSteps),
          checkpointEvery,
          Duration.ofSeconds(checkpointIntervalSeconds), evalSample, scorerPort, dashboard.host, dashboard.port,
          dashboard.pollInterval());
      if (clean) {
        LocalPipeline.clean(settings.workDir());
      }
    } catch (IllegalArgumentException e) {
      System.err.println("kalm local: " + e.getMessage());
      return 2;
    }
    LocalPipeline pipeline = LocalPipeline.start(settings);
    CountDownLatch stopRequested = new CountDownLatch(1);
    // Ctrl-C and SIGTERM stop the pipeline in order, broker last, before the JVM begins to exit: the broker's and
    // the registry's own shutdown hooks would otherwise stop them while the trainer writes its last checkpoint.
    // Until the pipeline is up the default handling applies, and those hooks clean up.
    for (String name : List.of("INT", "TERM")) {
      Signal.handle(new Signal(name), signal -> stopRequested.countDown());
    }
    System.err.printf("%nkalm local is running. Dashboard: %s   (Ctrl-C stops everything)%n%n", pipeline.dashboardUrl());
    stopRequested.await();
    pipeline.close();
    return 0;
  }
}
