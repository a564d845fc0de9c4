package io.kalmstream.cli;

import io.kalmstream.ingest.StandaloneFlink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.MemorySize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A standalone Flink session cluster from Flink's own entry points, for the ingest job's cluster
 * path ({@code kalm ingest --flink-rest}) where no Flink distribution is installed: one {@code
 * jobmanager} and any number of {@code taskmanager} processes.
 */
@Command(
    name = "flink",
    mixinStandardHelpOptions = true,
    description = {
      "Run a node of a standalone Flink session cluster (Flink's StandaloneSessionClusterEntrypoint and "
          + "TaskManagerRunner on kalm's class path) until it is stopped.",
      "Start one jobmanager, then taskmanagers, then submit the ingest job with "
          + "'kalm ingest --flink-rest http://HOST:REST_PORT --job-jar kalm-ingest-job.jar'."
    },
    subcommands = {
      FlinkClusterCommand.JobManager.class,
      FlinkClusterCommand.TaskManager.class,
    })
final class FlinkClusterCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Where the JobManager is, shared by both kinds of node. */
  static final class ClusterOptions {
    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description =
            "Address the JobManager binds and advertises (a TaskManager binds it too). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(
        names = "--rpc-port",
        paramLabel = "PORT",
        defaultValue = "6123",
        description = "The JobManager's RPC port. Default: ${DEFAULT-VALUE}.")
    int rpcPort;

    @Option(
        names = "--rest-port",
        paramLabel = "PORT",
        defaultValue = "8091",
        description =
            "The JobManager's REST port, where jobs are submitted. Default: ${DEFAULT-VALUE}.")
    int restPort;

    @Option(
        names = "--heartbeat-timeout",
        paramLabel = "DURATION",
        defaultValue = "10s",
        converter = IngestOptions.DurationConverter.class,
        description =
            "After this long without a heartbeat a TaskManager counts as lost and its tasks restart "
                + "elsewhere. Default: ${DEFAULT-VALUE}.")
    Duration heartbeatTimeout;

    @Option(
        names = "--restart-delay",
        paramLabel = "DURATION",
        defaultValue = "2s",
        converter = IngestOptions.DurationConverter.class,
        description =
            "Pause between the job's restarts after a failure. Default: ${DEFAULT-VALUE}.")
    Duration restartDelay;

    @Option(
        names = "--conf-dir",
        paramLabel = "DIR",
        required = true,
        description = "Where the node writes the config.yaml it runs with (one per node).")
    Path confDir;

    @Option(
        names = "--process-memory",
        paramLabel = "SIZE",
        defaultValue = "1024m",
        description =
            "Flink's total process memory of the node (give the JVM a matching -Xmx). Default: ${DEFAULT-VALUE}.")
    String processMemory;

    MemorySize processMemory() {
      return MemorySize.parse(processMemory);
    }

    StandaloneFlink.Cluster cluster() {
      return new StandaloneFlink.Cluster(host, rpcPort, restPort, heartbeatTimeout, restartDelay);
    }
  }

  @Command(
      name = "jobmanager",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = "Run the cluster's JobManager (dispatcher, resource manager, REST endpoint).")
  static final class JobManager implements Callable<Integer> {
    @Mixin ClusterOptions options;

    @Override
    public Integer call() throws Exception {
      StandaloneFlink.runJobManager(options.cluster(), options.processMemory(), options.confDir);
      return 0;
    }
  }

  @Command(
      name = "taskmanager",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = "Run a TaskManager that registers at the JobManager and offers its slots.")
  static final class TaskManager implements Callable<Integer> {
    @Mixin ClusterOptions options;

    @Option(
        names = "--slots",
        paramLabel = "N",
        defaultValue = "2",
        description = "Task slots it offers. Default: ${DEFAULT-VALUE}.")
    int slots;

    @Override
    public Integer call() throws Exception {
      StandaloneFlink.runTaskManager(
          options.cluster(), slots, options.processMemory(), options.confDir);
      return 0;
    }
  }
}
