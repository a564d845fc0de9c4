package io.kalmstream.ingest;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone Flink session cluster (a JobManager and TaskManagers as processes of their own)
 * started from Flink's own entry points on the jars Maven Central serves (it serves no flink-dist),
 * and the ingest job submitted to it, or to any session cluster, through its REST API.
 */
public final class StandaloneFlink {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneFlink.class);
  private static final String CONFIG_FILE = "config.yaml";

  private StandaloneFlink() {}

  /**
   * Where the JobManager listens, and the settings every node of the cluster shares.
   *
   * @param host the address the JobManager binds and advertises
   * @param rpcPort the JobManager's RPC port TaskManagers register at
   * @param restPort the REST port clients submit jobs to
   * @param heartbeatTimeout how long a silent TaskManager counts as alive: after a SIGKILL the job
   *     restarts on the remaining slots (or waits for a new TaskManager) this much later
   * @param restartDelay the pause between the job's restarts after a failure
   */
  public record Cluster(
      String host, int rpcPort, int restPort, Duration heartbeatTimeout, Duration restartDelay) {
    public Cluster {
      if (rpcPort < 1 || restPort < 1) {
        throw new IllegalArgumentException("the RPC and REST ports must be set");
      }
      if (heartbeatTimeout.toMillis() < 2_000) {
        throw new IllegalArgumentException("a heartbeat timeout under 2 s flaps on a busy host");
      }
    }

    Configuration common() {
      Configuration flink = new Configuration();
      flink.set(JobManagerOptions.ADDRESS, host);
      flink.set(JobManagerOptions.PORT, rpcPort);
      flink.set(RestOptions.ADDRESS, host);
      flink.set(RestOptions.PORT, restPort);
      flink.set(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT, heartbeatTimeout);
      flink.set(
          HeartbeatManagerOptions.HEARTBEAT_INTERVAL,
          Duration.ofMillis(Math.max(500, heartbeatTimeout.toMillis() / 5)));
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, restartDelay);
      // These nodes run on kalm's class path, which already holds the job's dependencies; a job
      // jar's copies of Kafka or Avro classes loaded child-first would meet the parent's copies in
      // the connector and fail with ClassCastExceptions. A cluster from flink-dist keeps the
      // default (child-first).
      flink.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
      return flink;
    }

    /** The REST address clients use. */
    public URI restAddress() {
      return URI.create("http://" + host + ":" + restPort);
    }
  }

  /** Writes the JobManager's configuration to {@code confDir} and runs it until it is killed. */
  public static void runJobManager(Cluster cluster, MemorySize processMemory, Path confDir)
      throws IOException {
    Configuration flink = cluster.common();
    flink.set(JobManagerOptions.BIND_HOST, cluster.host());
    flink.set(RestOptions.BIND_ADDRESS, cluster.host());
    flink.set(JobManagerOptions.TOTAL_PROCESS_MEMORY, processMemory);
    writeConfig(flink, confDir);
    LOG.info(
        "JobManager starting: RPC {}:{}, REST {}",
        cluster.host(),
        cluster.rpcPort(),
        cluster.restAddress());
    StandaloneSessionClusterEntrypoint.main(new String[] {"--configDir", confDir.toString()});
  }

  /** Writes a TaskManager's configuration to {@code confDir} and runs it until it is killed. */
  public static void runTaskManager(
      Cluster cluster, int slots, MemorySize processMemory, Path confDir) throws Exception {
    Configuration flink = cluster.common();
    flink.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
    flink.set(TaskManagerOptions.BIND_HOST, cluster.host());
    flink.set(TaskManagerOptions.HOST, cluster.host());
    flink.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, processMemory);
    // Flink's start scripts derive the TaskManager's resource spec from its total memory and pass
    // it in; a TaskManagerRunner started directly must have it in its configuration.
    TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(flink);
    flink.addAll(
        Configuration.fromMap(
            ConfigurationUtils.parseTmResourceDynamicConfigs(
                TaskExecutorProcessUtils.generateDynamicConfigsStr(spec))));
    writeConfig(flink, confDir);
    LOG.info(
        "TaskManager starting with {} slots, registering at {}:{}",
        slots,
        cluster.host(),
        cluster.rpcPort());
    TaskManagerRunner.main(new String[] {"--configDir", confDir.toString()});
  }

  /**
   * Flink 2's {@code config.yaml}, one flat key per line: what the node runs with, readable by a
   * person and by Flink's own entry points.
   */
  static void writeConfig(Configuration flink, Path confDir) throws IOException {
    Files.createDirectories(confDir);
    StringBuilder yaml = new StringBuilder("# written by kalm at start; edits are overwritten\n");
    new TreeMap<>(flink.toMap())
        .forEach((key, value) -> yaml.append(key).append(": ").append(quoted(value)).append('\n'));
    Files.writeString(confDir.resolve(CONFIG_FILE), yaml, StandardCharsets.UTF_8);
  }

  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /**
   * The ingest job on a session cluster, given by its REST address: a job of that name that is
   * still running is attached to (a second copy would write the same batches under the same
   * transactional ids); otherwise the job is built here, with {@code jobSettings} (parallelism,
   * checkpoints, the checkpoint to restore), and submitted with {@code jobJar}, the shaded jar the
   * TaskManagers load its classes from.
   */
  public static JobID submitOrAttach(
      URI rest,
      Path jobJar,
      Configuration jobSettings,
      IngestConfig config,
      KafkaSettings kafka,
      String jobName)
      throws Exception {
    if (!Files.isRegularFile(jobJar)) {
      throw new IllegalArgumentException(
          "job jar "
              + jobJar
              + " does not exist; build it with: mvn -B -pl ingest -am -Pjob-jar -DskipTests package");
    }
    Optional<JobID> running = runningJob(rest, jobName);
    if (running.isPresent()) {
      LOG.info("job {} ({}) already runs on {}; attaching", jobName, running.get(), rest);
      return running.get();
    }
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment(
            rest.getHost(), rest.getPort(), jobSettings, jobJar.toAbsolutePath().toString());
    IngestKafka.job(config, kafka).build(env);
    JobClient client = env.executeAsync(jobName);
    LOG.info("job {} ({}) submitted to {} with {}", jobName, client.getJobID(), rest, jobJar);
    return client.getJobID();
  }

  /**
   * Follows a job on the cluster until it reaches a terminal state, logging each change of state;
   * returns that state.
   */
  public static JobStatus await(URI rest, JobID job, Duration poll) throws Exception {
    try (RestClusterClient<StandaloneClusterId> client = client(rest)) {
      JobStatus last = null;
      while (true) {
        JobStatus status = client.getJobStatus(job).get(30, TimeUnit.SECONDS);
        if (status != last) {
          LOG.info("job {} on {} is {}", job, rest, status);
          last = status;
        }
        if (status.isGloballyTerminalState()) {
          return status;
        }
        Thread.sleep(poll.toMillis());
      }
    }
  }

  /** The accumulators of a finished job (the ingest outcome counters). */
  public static Map<String, Object> accumulators(URI rest, JobID job) throws Exception {
    try (RestClusterClient<StandaloneClusterId> client = client(rest)) {
      return client.getAccumulators(job).get(30, TimeUnit.SECONDS);
    }
  }

  private static Optional<JobID> runningJob(URI rest, String jobName) throws Exception {
    try (RestClusterClient<StandaloneClusterId> client = client(rest)) {
      return client.listJobs().get(30, TimeUnit.SECONDS).stream()
          .filter(j -> j.getJobName().equals(jobName))
          .filter(j -> !j.getJobState().isGloballyTerminalState())
          .map(JobStatusMessage::getJobId)
          .findFirst();
    }
  }

  private static RestClusterClient<StandaloneClusterId> client(URI rest) throws Exception {
    Configuration flink = new Configuration();
    flink.set(RestOptions.ADDRESS, rest.getHost());
    flink.set(RestOptions.PORT, rest.getPort());
    return new RestClusterClient<>(flink, StandaloneClusterId.getInstance());
  }
}
