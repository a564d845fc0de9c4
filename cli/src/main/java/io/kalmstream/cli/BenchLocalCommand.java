package io.kalmstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kalmstream.cli.local.LocalPipeline;
import io.kalmstream.cli.local.LocalSettings;
import io.kalmstream.schemas.AnisotropyAlert;
import io.kalmstream.schemas.ModelQualityMetric;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.RegistryAvroDeserializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the pipeline of {@code kalm local} with its defaults for a fixed time in a fresh work
 * directory, stops it, and summarises what a user watching the dashboard would have seen: the
 * held-out quality of the base model and of the best version, anisotropy, checkpoints and alerts,
 * read back from kg.metrics, kg.alerts and kg.checkpoints.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run `kalm local` (same options and defaults) for --minutes in a fresh work directory, stop it, and "
          + "print the filtered MRR of v0 and of the best published version on the held-out sample, their ratio, "
          + "the anisotropy of v0 and of the last version, checkpoints published and alerts raised.",
      "Writes the summary as JSON to --out (default target/bench/local.json)."
    })
final class BenchLocalCommand implements Callable<Integer> {

  @Mixin LocalOptions options;

  @Option(
      names = "--minutes",
      defaultValue = "10",
      description = "How long the pipeline runs. Default: ${DEFAULT-VALUE}.")
  double minutes;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "target/bench/local-work",
      description =
          "Work directory, deleted first (it must be one that kalm local created). Default: ${DEFAULT-VALUE}.")
  Path workDir;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      defaultValue = "target/bench/local.json",
      description = "Summary file. Default: ${DEFAULT-VALUE}.")
  Path out;

  /** The last value of each metric per version, in version order. */
  record VersionFigures(long version, Double mrr, Double hits10, Double anisotropy, long sample) {}

  @Override
  public Integer call() throws Exception {
    LocalSettings settings;
    try {
      if (!(minutes > 0)) {
        throw new IllegalArgumentException("--minutes must be positive");
      }
      settings = options.settings(workDir);
      LocalPipeline.clean(settings.workDir());
    } catch (IllegalArgumentException e) {
      System.err.println("kalm bench local: " + e.getMessage());
      return 2;
    }
    MachineInfo machine = MachineInfo.current();
    Instant started = Instant.now();
    Map<String, Object> summary;
    try (LocalPipeline pipeline = LocalPipeline.start(settings)) {
      System.err.printf(
          "kalm bench local: running for %.1f minutes; dashboard %s%n",
          minutes, pipeline.dashboardUrl());
      long end = System.nanoTime() + (long) (minutes * 60e9);
      while (System.nanoTime() < end) {
        Thread.sleep(Math.min(30_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        System.err.printf(
            "kalm bench local: %.1f of %.1f minutes%n",
            Duration.between(started, Instant.now()).toSeconds() / 60.0, minutes);
      }
      summary = summarise(pipeline, settings, machine, started);
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(
        out,
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary)
            + "\n");
    System.out.print(table(summary));
    System.err.println("kalm bench local: summary in " + out.toAbsolutePath());
    return 0;
  }

  private Map<String, Object> summarise(
      LocalPipeline pipeline, LocalSettings settings, MachineInfo machine, Instant started) {
    Topics topics = Topics.defaults();
    SchemaRegistryClient registry = new SchemaRegistryClient(pipeline.connection().registry());
    Map<Long, Map<String, ModelQualityMetric>> byVersion = new TreeMap<>();
    for (ModelQualityMetric m :
        readAll(
            pipeline.connection(),
            topics.metrics().name(),
            RegistryAvroDeserializer.specific(ModelQualityMetric.class, registry))) {
      byVersion
          .computeIfAbsent(m.getModelVersion(), v -> new LinkedHashMap<>())
          .put(m.getName(), m);
    }
    List<AnisotropyAlert> alerts =
        readAll(
            pipeline.connection(),
            topics.alerts().name(),
            RegistryAvroDeserializer.specific(AnisotropyAlert.class, registry));
    List<VersionFigures> versions = new ArrayList<>();
    byVersion.forEach(
        (version, metrics) ->
            versions.add(
                new VersionFigures(
                    version,
                    value(metrics, "mrr"),
                    value(metrics, "hits10"),
                    value(metrics, "anisotropy"),
                    metrics.containsKey("mrr") ? metrics.get("mrr").getSampleSize() : 0)));
    VersionFigures v0 = versions.stream().filter(v -> v.version() == 0).findFirst().orElse(null);
    VersionFigures best =
        versions.stream()
            .filter(v -> v.version() > 0 && v.mrr() != null)
            .max((a, b) -> Double.compare(a.mrr(), b.mrr()))
            .orElse(null);
    VersionFigures last =
        versions.stream().filter(v -> v.anisotropy() != null).reduce((a, b) -> b).orElse(null);
    long checkpoints = versions.stream().filter(v -> v.version() > 0).count();

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("date", started.toString());
    json.put("minutes", minutes);
    json.put("machine", machine.toJson());
    json.put("load_average_at_end", MachineInfo.loadNow());
    json.put("slice", settings.slice().toString());
    json.put("mrr_v0", v0 == null ? null : v0.mrr());
    json.put("mrr_best", best == null ? null : best.mrr());
    json.put("mrr_best_version", best == null ? null : best.version());
    json.put(
        "mrr_ratio",
        v0 == null || best == null || v0.mrr() == null || v0.mrr() == 0
            ? null
            : best.mrr() / v0.mrr());
    json.put("hits10_v0", v0 == null ? null : v0.hits10());
    json.put("hits10_best", best == null ? null : best.hits10());
    json.put("anisotropy_v0", v0 == null ? null : v0.anisotropy());
    json.put("anisotropy_last", last == null ? null : last.anisotropy());
    json.put("anisotropy_last_version", last == null ? null : last.version());
    json.put("checkpoints", checkpoints);
    json.put("alerts", alerts.size());
    json.put(
        "alert_messages", alerts.stream().map(a -> a.getKind() + ": " + a.getMessage()).toList());
    json.put("versions", versions);
    return json;
  }

  private static Double value(Map<String, ModelQualityMetric> metrics, String name) {
    ModelQualityMetric m = metrics.get(name);
    return m == null ? null : m.getValue();
  }

  /** Every committed record of a topic, from the start to its end offsets when called. */
  private static <T> List<T> readAll(
      KafkaConnection connection, String topic, RegistryAvroDeserializer<T> deserializer) {
    Map<String, Object> p = connection.clientConfig();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicScan.fromBeginning(
          consumer,
          topic,
          Duration.ofSeconds(30),
          records -> {
            for (ConsumerRecord<String, byte[]> r : records) {
              if (r.value() != null) {
                out.add(deserializer.deserialize(topic, r.value()));
              }
            }
          });
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static String table(Map<String, Object> s) {
    StringBuilder b = new StringBuilder("## kalm bench local\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "- %s, %.1f minutes, load average %.1f at the end%n%n",
            s.get("date"),
            (Double) s.get("minutes"),
            (Double) s.get("load_average_at_end")));
    b.append("| version | MRR | Hits@10 | anisotropy | ranked |\n|---:|---:|---:|---:|---:|\n");
    for (VersionFigures v : (List<VersionFigures>) s.get("versions")) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %s | %d |%n",
              v.version(),
              fmt(v.mrr()),
              fmt(v.hits10()),
              fmt(v.anisotropy()),
              v.sample()));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%nMRR v0 %s, best %s (v%s), ratio %s; anisotropy v0 %s, last %s (v%s); "
                + "%s checkpoints; %s alerts%n",
            fmt((Double) s.get("mrr_v0")),
            fmt((Double) s.get("mrr_best")),
            s.get("mrr_best_version"),
            fmt((Double) s.get("mrr_ratio")),
            fmt((Double) s.get("anisotropy_v0")),
            fmt((Double) s.get("anisotropy_last")),
            s.get("anisotropy_last_version"),
            s.get("checkpoints"),
            s.get("alerts")));
    for (String message : (List<String>) s.get("alert_messages")) {
      b.append("- ").append(message).append('\n');
    }
    return b.toString();
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }
}
