package io.kalmstream.cli;

import io.kalmstream.embedded.TopicCreator;
import io.kalmstream.ingest.IngestConfig;
import io.kalmstream.ingest.IngestKafka;
import io.kalmstream.ingest.KafkaSettings;
import io.kalmstream.ingest.LocalFlink;
import io.kalmstream.ingest.StandaloneFlink;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the Flink ingest job that turns kg.triples and descriptions into training batches.",
      "It runs on a local MiniCluster with exactly-once checkpoints under --checkpoint-dir and resumes from the "
          + "newest one there.",
      "With --flink-rest it runs on a Flink session cluster instead (for example one started with 'kalm flink'): "
          + "it submits the job with the shaded job jar (mvn -B -pl ingest -am -Pjob-jar -DskipTests package), "
          + "or attaches to the job already running there, and follows it until it ends."
    })
final class IngestCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(IngestCommand.class);
  private static final String JOB_NAME = "kalm-ingest";

  @Mixin KafkaOptions kafka;
  @Mixin IngestOptions job;

  @Option(
      names = "--checkpoint-dir",
      paramLabel = "DIR",
      defaultValue = ".kalm/ingest-checkpoints",
      description =
          "Where checkpoints are kept between runs; on a cluster, a directory every TaskManager reaches. "
              + "Default: ${DEFAULT-VALUE}.")
  Path checkpointDir;

  @Option(
      names = "--flink-rest",
      paramLabel = "URL",
      description =
          "REST address of a Flink session cluster to run the job on (http://HOST:PORT); "
              + "without it the job runs on a MiniCluster in this process.")
  URI flinkRest;

  @Option(
      names = "--job-jar",
      paramLabel = "JAR",
      defaultValue = "ingest/target/kalm-ingest-job.jar",
      description =
          "The shaded job jar shipped to the cluster with --flink-rest. Default: ${DEFAULT-VALUE}.")
  Path jobJar;

  @Option(
      names = "--fresh",
      description = "Start from the beginning of the topics instead of the newest checkpoint.")
  boolean fresh;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "2",
      description = "Parallelism of the job. Default: ${DEFAULT-VALUE}.")
  int parallelism;

  @Option(
      names = "--bounded",
      description = "Read up to the end offsets found at start, then stop (a replay).")
  boolean bounded;

  @Option(
      names = "--group-id",
      defaultValue = "kalm-ingest",
      description =
          "Consumer group the source commits its offsets to, for lag monitoring. Default: ${DEFAULT-VALUE}.")
  String groupId;

  @Option(
      names = "--transactional-id-prefix",
      defaultValue = "kalm-ingest",
      description =
          "Prefix of the sinks' transactional ids; keep it stable across restarts. Default: ${DEFAULT-VALUE}.")
  String transactionalIdPrefix;

  @Option(
      names = "--create-topics",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Create missing topics with the partitions and cleanup policies of DESIGN.md. Default: true.")
  boolean createTopics;

  @Option(
      names = "--replication-factor",
      paramLabel = "N",
      defaultValue = "1",
      description = "Replication factor of topics it creates. Default: ${DEFAULT-VALUE}.")
  short replicationFactor;

  @Override
  public Integer call() throws Exception {
    Topics topics = kafka.topics();
    KafkaConnection connection = kafka.checkedConnection();
    KafkaSettings settings =
        KafkaSettings.of(connection)
            .withTopics(topics)
            .withIds(groupId, transactionalIdPrefix)
            .withBounded(bounded);
    if (createTopics) {
      createMissingTopics(connection, topics, replicationFactor);
    }
    Optional<Path> resume =
        fresh ? Optional.empty() : LocalFlink.latestCheckpoint(checkpointDir.toAbsolutePath());
    resume.ifPresentOrElse(
        path -> LOG.info("Resuming ingest from checkpoint {}", path),
        () ->
            LOG.info(
                "Starting ingest from the beginning of {}, {}, {}",
                topics.triples().name(),
                topics.entities().name(),
                topics.relations().name()));
    if (flinkRest != null) {
      return runOnCluster(settings, resume);
    }
    JobExecutionResult result =
        run(job.config(), settings, checkpointDir.toAbsolutePath(), parallelism, resume);
    printOutcomes(result.getNetRuntime(), result.getAllAccumulatorResults());
    return 0;
  }

  private int runOnCluster(KafkaSettings settings, Optional<Path> resume) throws Exception {
    IngestConfig config = job.config();
    JobID id =
        StandaloneFlink.submitOrAttach(
            flinkRest,
            jobJar,
            LocalFlink.job(config, checkpointDir.toAbsolutePath(), parallelism, resume),
            config,
            settings,
            JOB_NAME);
    System.out.println("kalm ingest: job " + id + " runs on " + flinkRest);
    long started = System.currentTimeMillis();
    JobStatus status = StandaloneFlink.await(flinkRest, id, Duration.ofSeconds(2));
    printOutcomes(
        System.currentTimeMillis() - started, StandaloneFlink.accumulators(flinkRest, id));
    return status == JobStatus.FINISHED ? 0 : 1;
  }

  static JobExecutionResult run(
      IngestConfig config,
      KafkaSettings settings,
      Path checkpointDir,
      int parallelism,
      Optional<Path> resume)
      throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            LocalFlink.configuration(config, checkpointDir, parallelism, resume));
    return IngestKafka.job(config, settings).execute(env, JOB_NAME);
  }

  static void createMissingTopics(
      KafkaConnection connection, Topics topics, short replicationFactor) {
    try (Admin admin = Admin.create(connection.clientConfig())) {
      TopicCreator.createMissing(
          admin, topics.all().stream().map(t -> t.toNewTopic(replicationFactor)).toList());
    }
  }

  static void printOutcomes(long runtimeMillis, Map<String, Object> accumulators) {
    Map<String, Object> outcomes = new TreeMap<>(accumulators);
    System.out.println("ingest outcomes after " + runtimeMillis + " ms:");
    outcomes.forEach((name, value) -> System.out.printf("  %-28s %s%n", name, value));
  }
}
