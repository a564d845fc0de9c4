package io.kalmstream.cli.local;

import io.kalmstream.ingest.IngestConfig;
import io.kalmstream.ingest.IngestKafka;
import io.kalmstream.ingest.KafkaSettings;
import io.kalmstream.ingest.LocalFlink;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The ingest job on a Flink MiniCluster inside this JVM, resumed from its newest retained
 * checkpoint in {@code checkpointDir} when there is one. Closing cancels the job, which shuts the
 * MiniCluster down.
 */
final class FlinkIngest implements AutoCloseable {
  private final JobClient job;
  private final Optional<Path> restoredFrom;

  private FlinkIngest(JobClient job, Optional<Path> restoredFrom) {
    this.job = job;
    this.restoredFrom = restoredFrom;
  }

  static FlinkIngest start(
      IngestConfig config, KafkaSettings kafka, Path checkpointDir, int parallelism)
      throws Exception {
    Optional<Path> restore = LocalFlink.latestCheckpoint(checkpointDir);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            LocalFlink.configuration(config, checkpointDir, parallelism, restore));
    IngestKafka.job(config, kafka).build(env);
    return new FlinkIngest(env.executeAsync("kalm-ingest"), restore);
  }

  String describe() {
    return "Flink job "
        + job.getJobID()
        + restoredFrom.map(p -> ", restored from " + p).orElse(", fresh state");
  }

  @Override
  public void close() throws Exception {
    job.cancel().get(60, TimeUnit.SECONDS);
  }
}
