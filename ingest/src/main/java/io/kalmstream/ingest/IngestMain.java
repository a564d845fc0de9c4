package io.kalmstream.ingest;

import io.kalmstream.batching.BatchPolicy;
import io.kalmstream.batching.HeldOutSplit;
import io.kalmstream.schemas.kafka.ClientProperties;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * Entry point of the shaded job jar for a Flink cluster: {@code flink run kalm-ingest-job.jar
 * --bootstrap-servers B --registry-url U [--kafka-config FILE] [--topic.kg.triples NAME ...]}.
 * Checkpointing, state backend and restarts come from the cluster's configuration; the job enables
 * exactly-once checkpoints only when the cluster has none. Environment variables
 * KALM_BOOTSTRAP_SERVERS and KALM_REGISTRY_URL stand in for missing options. {@code --kafka-config}
 * is the client properties file of {@code kalm --kafka-config}: SASL and TLS settings for the
 * source and sinks, and the registry's credentials.
 */
public final class IngestMain {
  private IngestMain() {}

  /** What the arguments and the environment ask the job to be. */
  public record Job(IngestConfig config, KafkaSettings kafka) {}

  public static void main(String[] args) throws Exception {
    Job job = parse(args, System.getenv(), ClientProperties::load);
    IngestKafka.job(job.config(), job.kafka())
        .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "kalm-ingest");
  }

  /**
   * The job the arguments describe, reading {@code --kafka-config} with {@code clientConfig}. An
   * argument it does not read is refused: ParameterTool alone would ignore a misspelt one, and the
   * job would run with the default instead.
   */
  public static Job parse(
      String[] args,
      Map<String, String> environment,
      Function<Path, ClientProperties> clientConfig) {
    ParameterTool params = ParameterTool.fromArgs(args);
    IngestConfig defaults = IngestConfig.defaults();
    BatchPolicy policy =
        new BatchPolicy(
            params.getInt("contrastive-batch", defaults.policy().contrastiveSize()),
            params.getInt("instruction-batch", defaults.policy().instructionSize()),
            params.getDouble("replay-share", defaults.policy().replayShare()),
            params.getInt("replay-capacity", defaults.policy().replayCapacity()));
    IngestConfig config =
        defaults.toBuilder()
            .policy(policy)
            .heldOut(
                new HeldOutSplit(
                    params.getDouble("held-out", defaults.heldOut().fraction()),
                    defaults.heldOut().salt()))
            .descriptionWait(
                Duration.ofSeconds(
                    params.getLong(
                        "description-wait-seconds", defaults.descriptionWait().toSeconds())))
            .batchTimeout(
                Duration.ofSeconds(
                    params.getLong("batch-timeout-seconds", defaults.batchTimeout().toSeconds())))
            .idleness(
                Duration.ofSeconds(
                    params.getLong("idleness-seconds", defaults.idleness().toSeconds())))
            .build();

    Map<String, String> renames = new HashMap<>();
    Topics.defaults()
        .all()
        .forEach(
            t -> {
              String renamed = params.get("topic." + t.name());
              if (renamed != null) {
                renames.put(t.name(), renamed);
              }
            });
    String clientConfigFile = params.get("kafka-config");
    KafkaConnection connection =
        KafkaConnection.of(
            required(params, environment, "bootstrap-servers", "KALM_BOOTSTRAP_SERVERS"),
            required(params, environment, "registry-url", "KALM_REGISTRY_URL"),
            clientConfigFile == null
                ? ClientProperties.empty()
                : clientConfig.apply(Path.of(clientConfigFile)));
    KafkaSettings kafka =
        KafkaSettings.of(connection)
            .withTopics(Topics.defaults().withOverrides(renames))
            .withIds(
                params.get("group-id", "kalm-ingest"),
                params.get("transactional-id-prefix", "kalm-ingest"))
            .withBounded(params.getBoolean("bounded", false));
    Set<String> unknown = new TreeSet<>(params.getUnrequestedParameters());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown job arguments: --" + String.join(", --", unknown));
    }
    return new Job(config, kafka);
  }

  private static String required(
      ParameterTool params, Map<String, String> environment, String name, String variable) {
    String value = params.get(name, environment.get(variable));
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + name + " (or $" + variable + ") is required");
    }
    return value;
  }
}
