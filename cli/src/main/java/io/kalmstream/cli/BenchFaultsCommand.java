package io.kalmstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kalmstream.cli.faults.FaultReportText;
import io.kalmstream.cli.faults.FaultRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "faults",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "SIGKILL fault run: the embedded runtime (`kalm runtime`), `kalm ingest`, `kalm train` and `kalm score` as "
          + "separate processes, a loader streaming a WN18RR slice with queries, and kills of each process at seeded "
          + "random moments (restarted after --pause), plus one round killing the ingest job and the scorer together.",
      "After the stream drains it accounts for every triple (trained, held out, retracted or dead-lettered, once), "
          + "every query (one answer), every durable checkpoint (announced) and every batch (trained, no gap), "
          + "prints a table and writes faults.json and faults.md under --out. Exits 1 when a check fails."
    })
final class BenchFaultsCommand implements Callable<Integer> {
  @Mixin DatasetDirOption dataset;
  @Mixin ModelDirOption model;

  @Option(
      names = "--triples",
      paramLabel = "N",
      defaultValue = "1200",
      description = "Training triples streamed. Default: ${DEFAULT-VALUE}.")
  int triples;

  @Option(
      names = "--rate",
      paramLabel = "N/s",
      defaultValue = "2/s",
      description = "Pace of the training triples. Default: ${DEFAULT-VALUE}.")
  String rate;

  @Option(
      names = "--queries",
      paramLabel = "N",
      defaultValue = "60",
      description = "Link-prediction queries spread through the stream. Default: ${DEFAULT-VALUE}.")
  int queries;

  @Option(
      names = "--kills",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Kills of each process (broker, ingest, trainer, scorer). Default: ${DEFAULT-VALUE}.")
  int kills;

  @Option(
      names = "--pair-round",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "One more round killing the ingest job and the scorer together. Default: true.")
  boolean pairRound;

  @Option(
      names = "--pause",
      paramLabel = "DURATION",
      defaultValue = "3s",
      converter = IngestOptions.DurationConverter.class,
      description = "How long a killed process stays down. Default: ${DEFAULT-VALUE}.")
  Duration pause;

  @Option(
      names = "--min-gap",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = IngestOptions.DurationConverter.class,
      description = "Shortest time from a recovery to the next kill. Default: ${DEFAULT-VALUE}.")
  Duration minGap;

  @Option(
      names = "--max-gap",
      paramLabel = "DURATION",
      defaultValue = "20s",
      converter = IngestOptions.DurationConverter.class,
      description = "Longest time from a recovery to the next kill. Default: ${DEFAULT-VALUE}.")
  Duration maxGap;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "13",
      description = "Seed of the kill order and moments. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--drain-limit",
      paramLabel = "DURATION",
      defaultValue = "10m",
      converter = IngestOptions.DurationConverter.class,
      description =
          "Longest wait for the stream to drain after the last round. Default: ${DEFAULT-VALUE}.")
  Duration drainLimit;

  @Option(
      names = "--ingest-checkpoint-interval",
      paramLabel = "DURATION",
      defaultValue = "2s",
      converter = IngestOptions.DurationConverter.class,
      description = "The ingest job's exactly-once checkpoint interval. Default: ${DEFAULT-VALUE}.")
  Duration ingestCheckpointInterval;

  @Option(
      names = "--trainer-checkpoint-every",
      paramLabel = "STEPS",
      defaultValue = "4",
      description =
          "Trainer checkpoint cadence; a kill may retrain at most this many steps. Default: ${DEFAULT-VALUE}.")
  int trainerCheckpointEvery;

  @Option(
      names = "--task-managers",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "0: the ingest job on a MiniCluster in its kalm ingest process; N: on a standalone Flink cluster "
              + "(kalm flink) of one JobManager and N TaskManagers, submitted with --job-jar, where an ingest "
              + "kill is a TaskManager's. Default: ${DEFAULT-VALUE}.")
  int taskManagers;

  @Option(
      names = "--job-jar",
      paramLabel = "JAR",
      defaultValue = "ingest/target/kalm-ingest-job.jar",
      description = "The shaded ingest job jar, with --task-managers. Default: ${DEFAULT-VALUE}.")
  Path jobJar;

  @Option(
      names = "--scorers",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Instances of the scorer application; a scorer kill is one instance's. Default: ${DEFAULT-VALUE}.")
  int scorers;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "target/bench/faults-work",
      description =
          "Work directory, deleted first; keeps every process's logs. Default: ${DEFAULT-VALUE}.")
  Path workDir;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "target/bench",
      description = "Where faults.json and faults.md go. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Override
  public Integer call() throws Exception {
    FaultRun.Settings settings =
        new FaultRun.Settings(
            workDir.toAbsolutePath(),
            dataset.datasetDir(),
            model.modelDir(),
            triples,
            rate,
            queries,
            kills,
            pairRound,
            pause,
            minGap,
            maxGap,
            seed,
            drainLimit,
            ingestCheckpointInterval,
            trainerCheckpointEvery,
            new FaultRun.Layout(taskManagers, scorers, jobJar.toAbsolutePath()));
    MachineInfo machine = MachineInfo.current();
    double loadBefore = MachineInfo.loadNow();
    FaultRun.Report report = new FaultRun(settings).run(System.err);
    String table =
        FaultReportText.table(
            report,
            machine.cores()
                + " cores, "
                + machine.cpuModel()
                + ", "
                + machine.memoryBytes() / (1L << 30)
                + " GiB",
            loadBefore,
            MachineInfo.loadNow());
    Files.createDirectories(out);
    Files.writeString(out.resolve("faults.md"), table);
    Files.writeString(
        out.resolve("faults.json"),
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(FaultReportText.json(report, machine.toJson()))
            + "\n");
    System.out.print(table);
    System.err.println(
        "kalm bench faults: report in " + out.toAbsolutePath().resolve("faults.json"));
    return report.passed() ? 0 : 1;
  }
}
