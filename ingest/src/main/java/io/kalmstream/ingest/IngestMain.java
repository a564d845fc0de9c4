package io.kalmstream.ingest;

import io.kalmstream.batching.BatchPolicy;
import io.kalmstream.batching.HeldOutSplit;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.RegistryConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * Entry point of the shaded job jar for a Flink cluster: {@code flink run kalm-ingest-job.jar
 * --bootstrap-servers B --registry-url U [--topic.kg.triples NAME ...]}. Checkpointing, state
 * backend and restarts come from the cluster's configuration; the job enables exactly-once
 * checkpoints only when the cluster has none. Environment variables KALM_BOOTSTRAP_SERVERS and
 * KALM_REGISTRY_URL stand in for missing options.
 */
public final class IngestMain {
  private IngestMain() {}

  public static void main(String[] args) throws Exception {
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
    KafkaSettings kafka =
        new KafkaSettings(
            required(params, "bootstrap-servers", "KALM_BOOTSTRAP_SERVERS"),
            RegistryConfig.of(required(params, "registry-url", "KALM_REGISTRY_URL")),
            Topics.defaults().withOverrides(renames),
            params.get("group-id", "kalm-ingest"),
            params.get("transactional-id-prefix", "kalm-ingest"),
            params.getBoolean("bounded", false),
            Map.of());
    IngestKafka.job(config, kafka)
        .execute(StreamExecutionEnvironment.getExecutionEnvironment(), "kalm-ingest");
  }

  private static String required(ParameterTool params, String name, String environmentVariable) {
    String value = params.get(name, System.getenv(environmentVariable));
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "--" + name + " (or $" + environmentVariable + ") is required");
    }
    return value;
  }
}
