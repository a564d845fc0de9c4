package io.kalmstream.cli;

import io.kalmstream.cli.local.LocalPipeline;
import io.kalmstream.cli.local.LocalSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole pipeline on one machine: embedded Kafka broker and schema registry, the ingest job "
          + "on a Flink MiniCluster, the trainer, the scorer, the live dashboard, and a loader streaming the dataset.",
      "The defaults stream a slice of the dataset sized for a 2-core laptop; every one can be overridden. "
          + "Ctrl-C stops everything."
    })
final class LocalCommand implements Callable<Integer> {
  @Mixin LocalOptions options;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "${env:KALM_WORK_DIR:-.kalm/local}",
      description =
          "Broker and registry data, Flink and adapter checkpoints, scorer state. A second run resumes "
              + "from it. Default: ${DEFAULT-VALUE}.")
  Path workDir;

  @Option(
      names = "--clean",
      description = "Delete the work directory of an earlier run first and start afresh.")
  boolean clean;

  @Override
  public Integer call() throws Exception {
    LocalSettings settings;
    try {
      settings = options.settings(workDir);
      if (clean) {
        LocalPipeline.clean(settings.workDir());
      }
    } catch (IllegalArgumentException e) {
      System.err.println("kalm local: " + e.getMessage());
      return 2;
    }
    LocalPipeline pipeline = LocalPipeline.start(settings);
    CountDownLatch stopRequested = new CountDownLatch(1);
    // Ctrl-C and SIGTERM stop the pipeline in order, broker last, before the JVM begins to exit:
    // the broker's and
    // the registry's own shutdown hooks would otherwise stop them while the trainer writes its last
    // checkpoint.
    // Until the pipeline is up the default handling applies, and those hooks clean up.
    for (String name : List.of("INT", "TERM")) {
      Signal.handle(new Signal(name), signal -> stopRequested.countDown());
    }
    System.err.printf(
        "%nkalm local is running. Dashboard: %s   (Ctrl-C stops everything)%n%n",
        pipeline.dashboardUrl());
    stopRequested.await();
    pipeline.close();
    return 0;
  }
}
