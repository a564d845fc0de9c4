package io.kalmstream.cli;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.cli.local.LocalPipeline;
import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.ingest.IngestConfig;
import io.kalmstream.ingest.KafkaSettings;
import io.kalmstream.ingest.Outcome;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.serde.RegistryAvroSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericContainer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Throughput of the ingest job next to a plain consumer's raw read rate of the same kg.triples topic, in "
          + "one run on an embedded broker and registry.",
      "Loads triples of a dataset (with the descriptions they need, descriptions first), reads kg.triples with a "
          + "plain consumer, then runs the job bounded over the topics. Writes ingest.json and ingest.md under "
          + "--out."
    })
final class BenchIngestCommand implements Callable<Integer> {

  @Mixin IngestOptions job;

  @Mixin DatasetDirOption dataset;

  @Option(
      names = "--triples",
      paramLabel = "N",
      defaultValue = "20000",
      description = "Training triples to load (default: ${DEFAULT-VALUE}).")
  int tripleCount;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "2",
      description = "Parallelism of the job (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--machine",
      defaultValue = "2-core CPU",
      description = "Machine label for the report.")
  String machine;

  @Option(
      names = "--out",
      defaultValue = "target/bench",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    KgDataset data = KgDatasetReader.read(dataset.datasetDir());
    List<Triple> triples = data.train().subList(0, Math.min(tripleCount, data.train().size()));
    Path work = Files.createTempDirectory("kalm-bench-ingest");
    // bench runs pass a short interval: a bounded job ends with one more checkpoint to commit its
    // last batches
    IngestConfig config = job.config();
    try (KafkaAndRegistry runtime = KafkaAndRegistry.start(work.resolve("runtime"))) {
      Topics topics = Topics.defaults();
      KafkaConnection connection = LocalPipeline.connectionOf(runtime);
      IngestCommand.createMissingTopics(connection, topics, (short) 1);
      long loadStart = System.nanoTime();
      int records = load(connection, topics, data, triples);
      double loadSeconds = seconds(loadStart);

      long readStart = System.nanoTime();
      long read = readAll(connection, topics.triples().name());
      double readSeconds = seconds(readStart);

      KafkaSettings settings =
          KafkaSettings.of(connection)
              .withTopics(topics)
              .withIds("bench-ingest", "bench-ingest")
              .withBounded(true);
      long jobStart = System.nanoTime();
      JobExecutionResult result =
          IngestCommand.run(
              config, settings, work.resolve("checkpoints"), parallelism, Optional.empty());
      double jobWallSeconds = seconds(jobStart);

      long received = (Long) result.getAccumulatorResult(Outcome.TRIPLES_RECEIVED.metricName());
      double jobSeconds = result.getNetRuntime() / 1000.0;
      Report report =
          new Report(
              LocalDate.now(ZoneOffset.UTC).toString(),
              machine,
              dataset.datasetDir().toString(),
              triples.size(),
              records,
              loadSeconds,
              read,
              readSeconds,
              received,
              jobSeconds,
              jobWallSeconds,
              parallelism,
              config,
              new java.util.TreeMap<>(result.getAllAccumulatorResults()));
      Files.createDirectories(out);
      Files.writeString(out.resolve("ingest.json"), report.json());
      Files.writeString(out.resolve("ingest.md"), report.markdown());
      System.out.print(report.markdown());
    } finally {
      deleteQuietly(work);
    }
    return 0;
  }

  /** Descriptions the triples need, then the triples; returns the number of records written. */
  private static int load(
      KafkaConnection connection, Topics topics, KgDataset data, List<Triple> triples) {
    Map<String, Object> props = connection.clientConfig();
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    Set<String> entityIds = new LinkedHashSet<>();
    Set<String> relationIds = new LinkedHashSet<>();
    triples.forEach(
        t -> {
          entityIds.add(t.getHead());
          entityIds.add(t.getTail());
          relationIds.add(t.getRelation());
        });
    int records = 0;
    try (KafkaProducer<String, GenericContainer> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), new RegistryAvroSerializer<>(connection.registry()))) {
      for (String id : relationIds) {
        RelationDescription r = data.relations().get(id);
        producer.send(new ProducerRecord<>(topics.relations().name(), id, r));
        records++;
      }
      for (String id : entityIds) {
        EntityDescription e = data.entities().get(id);
        producer.send(new ProducerRecord<>(topics.entities().name(), id, e));
        records++;
      }
      for (Triple t : triples) {
        producer.send(new ProducerRecord<>(topics.triples().name(), TripleIds.of(t), t));
        records++;
      }
      producer.flush();
    }
    return records;
  }

  /** The reference: a plain consumer reading the topic's bytes from the beginning to the end. */
  private static long readAll(KafkaConnection connection, String topic) {
    Map<String, Object> props = connection.clientConfig();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    long[] count = {0};
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicScan.fromBeginning(consumer, topic, null, records -> count[0] += records.count());
    }
    return count[0];
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException ignored) {
      // a temporary directory; the OS cleans it eventually
    }
  }

  record Report(
      String date,
      String machine,
      String dataset,
      int triples,
      int records,
      double loadSeconds,
      long rawRead,
      double rawSeconds,
      long jobTriples,
      double jobSeconds,
      double jobWallSeconds,
      int parallelism,
      IngestConfig config,
      Map<String, Object> outcomes) {

    double rawRate() {
      return rawRead / rawSeconds;
    }

    double jobRate() {
      return jobTriples / jobSeconds;
    }

    String json() {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("date", date);
      root.put("machine", machine);
      root.put("dataset", dataset);
      root.put("triples", triples);
      root.put("recordsLoaded", records);
      root.put("loadSeconds", loadSeconds);
      root.put("rawConsumerTriples", rawRead);
      root.put("rawConsumerSeconds", rawSeconds);
      root.put("rawConsumerTriplesPerSecond", rawRate());
      root.put("jobTriples", jobTriples);
      root.put("jobNetRuntimeSeconds", jobSeconds);
      root.put("jobWallSecondsWithMiniClusterStart", jobWallSeconds);
      root.put("jobTriplesPerSecond", jobRate());
      root.put("jobToRawRatio", jobRate() / rawRate());
      root.put("parallelism", parallelism);
      root.put("contrastiveBatch", config.policy().contrastiveSize());
      root.put("instructionBatch", config.policy().instructionSize());
      root.put("checkpointIntervalMs", config.checkpointInterval().toMillis());
      root.put("outcomes", outcomes);
      StringBuilder json = new StringBuilder("{\n");
      int i = 0;
      for (Map.Entry<String, Object> e : root.entrySet()) {
        json.append("  \"")
            .append(e.getKey())
            .append("\": ")
            .append(jsonValue(e.getValue()))
            .append(++i < root.size() ? ",\n" : "\n");
      }
      return json.append("}\n").toString();
    }

    private static String jsonValue(Object value) {
      if (value instanceof Map<?, ?> map) {
        StringBuilder b = new StringBuilder("{");
        map.forEach(
            (k, v) ->
                b.append(b.length() > 1 ? ", " : "")
                    .append('"')
                    .append(k)
                    .append("\": ")
                    .append(v));
        return b.append('}').toString();
      }
      if (value instanceof Number) {
        return value.toString();
      }
      return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    String markdown() {
      return String.format(
          Locale.ROOT,
          """
          | date | machine | triples | plain consumer (raw bytes) | ingest job (net runtime) | job / raw |
          |---|---|---:|---:|---:|---:|
          | %s | %s | %d | %.0f triples/s (%d in %.2f s) | %.0f triples/s (%d in %.2f s; %.2f s with MiniCluster start) | %.4f |

          Job: parallelism %d, N = %d, M = %d, checkpoint interval %d ms, exactly-once Kafka sinks. Load: %d records in %.2f s.
          Outcomes: %s
          """,
          date,
          machine,
          triples,
          rawRate(),
          rawRead,
          rawSeconds,
          jobRate(),
          jobTriples,
          jobSeconds,
          jobWallSeconds,
          jobRate() / rawRate(),
          parallelism,
          config.policy().contrastiveSize(),
          config.policy().instructionSize(),
          config.checkpointInterval().toMillis(),
          records,
          loadSeconds,
          outcomes);
    }
  }
}
