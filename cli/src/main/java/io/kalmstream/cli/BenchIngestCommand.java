package io.kalmstream.cli;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.cli.local.LocalPipeline;
import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.ingest.ActivitySpan;
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
      names = "--event-rate",
      paramLabel = "TRIPLES_PER_S",
      defaultValue = "1000",
      description = {
        "Triples per second of event time in the load (default: ${DEFAULT-VALUE}): the records are stamped "
            + "as a stream that produced them at this rate, ending now, with the descriptions before the first "
            + "triple. The job's stages order by event time, so they work on the same records together only "
            + "when the load spans more than the out-of-orderness bound; stamped at the moment of a bulk load, "
            + "each stage would hold every record until the input ends.",
        "0 stamps every record with the time it is produced."
      })
  double eventRate;

  @Option(
      names = "--warmup-runs",
      paramLabel = "N",
      defaultValue = "1",
      description = {
        "Runs of the plain read and of the job before the measured ones (default: ${DEFAULT-VALUE}), in the "
            + "same JVM. A first run spends most of its CPU compiling Flink's and Kafka's code (on two cores "
            + "the JIT compiler took 12.8 of 31 CPU seconds of a cold 20,000-triple run); a job that streams "
            + "for days runs compiled code."
      })
  int warmupRuns;

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
      int records = load(connection, topics, data, triples, eventRate);
      double loadSeconds = seconds(loadStart);

      for (int w = 1; w <= warmupRuns; w++) {
        System.out.printf(Locale.ROOT, "warm-up run %d of %d%n", w, warmupRuns);
        readAll(connection, topics.triples().name());
        runJob(config, connection, topics, work, "bench-ingest-warmup-" + w);
      }
      RawRead raw = readAll(connection, topics.triples().name());
      long jobStart = System.nanoTime();
      JobExecutionResult result = runJob(config, connection, topics, work, "bench-ingest");
      double jobWallSeconds = seconds(jobStart);
      // every run writes the same batches (the job is deterministic in event time)
      long outputBytes =
          readAll(connection, topics.contrastiveBatches().name()).bytes()
              + readAll(connection, topics.instructionBatches().name()).bytes();
      double outputBytesPerTriple = (double) outputBytes / ((warmupRuns + 1L) * triples.size());

      long received = (Long) result.getAccumulatorResult(Outcome.TRIPLES_RECEIVED.metricName());
      double jobSeconds = result.getNetRuntime() / 1000.0;
      double activeSeconds = ActivitySpan.seconds(result).orElse(Double.NaN);
      Report report =
          new Report(
              LocalDate.now(ZoneOffset.UTC).toString(),
              machine,
              dataset.datasetDir().toString(),
              triples.size(),
              records,
              loadSeconds,
              eventRate,
              warmupRuns,
              raw,
              outputBytesPerTriple,
              received,
              jobSeconds,
              activeSeconds,
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

  /**
   * The job, bounded, over the loaded topics; each run has its own consumer group, transactional
   * ids and checkpoint directory, and writes to the same output topics.
   */
  private JobExecutionResult runJob(
      IngestConfig config, KafkaConnection connection, Topics topics, Path work, String id)
      throws Exception {
    KafkaSettings settings =
        KafkaSettings.of(connection).withTopics(topics).withIds(id, id).withBounded(true);
    return IngestCommand.run(
        config, settings, work.resolve("checkpoints-" + id), parallelism, Optional.empty());
  }

  /**
   * Descriptions the triples need, then the triples, stamped {@code eventRate} triples per second
   * apart and ending now; returns the number of records written.
   */
  private static int load(
      KafkaConnection connection,
      Topics topics,
      KgDataset data,
      List<Triple> triples,
      double eventRate) {
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
    long end = System.currentTimeMillis();
    long start = eventRate > 0 ? end - (long) Math.ceil(triples.size() * 1000 / eventRate) : -1;
    int records = 0;
    try (KafkaProducer<String, GenericContainer> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), new RegistryAvroSerializer<>(connection.registry()))) {
      for (String id : relationIds) {
        RelationDescription r = data.relations().get(id);
        producer.send(record(topics.relations().name(), stamp(start, 0, eventRate), id, r));
        records++;
      }
      for (String id : entityIds) {
        EntityDescription e = data.entities().get(id);
        producer.send(record(topics.entities().name(), stamp(start, 0, eventRate), id, e));
        records++;
      }
      for (int i = 0; i < triples.size(); i++) {
        Triple t = triples.get(i);
        producer.send(
            record(topics.triples().name(), stamp(start, i + 1, eventRate), TripleIds.of(t), t));
        records++;
      }
      producer.flush();
    }
    return records;
  }

  /** A record stamped with an event time, or with the producer's clock when {@code start} < 0. */
  private static ProducerRecord<String, GenericContainer> record(
      String topic, Long timestamp, String key, GenericContainer value) {
    return new ProducerRecord<>(topic, null, timestamp, key, value);
  }

  private static Long stamp(long start, int triple, double eventRate) {
    return start < 0 ? null : start + (long) (triple * 1000 / eventRate);
  }

  /** The reference: a plain consumer reading the topic's bytes from the beginning to the end. */
  private static RawRead readAll(KafkaConnection connection, String topic) {
    Map<String, Object> props = connection.clientConfig();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    long[] count = {0};
    long[] bytes = {0};
    long start = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicScan.fromBeginning(
          consumer,
          topic,
          null,
          records -> {
            count[0] += records.count();
            records.forEach(r -> bytes[0] += r.serializedKeySize() + r.serializedValueSize());
          });
    }
    return new RawRead(count[0], bytes[0], seconds(start));
  }

  /**
   * A plain read of the topic: records, their key and value bytes, and seconds from creating the
   * consumer to the end (its first poll to its last would be a few milliseconds: the whole topic
   * arrives in a few fetches).
   */
  record RawRead(long records, long bytes, double seconds) {}

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
      double eventRate,
      int warmupRuns,
      RawRead raw,
      double outputBytesPerTriple,
      long jobTriples,
      double jobSeconds,
      double jobActiveSeconds,
      double jobWallSeconds,
      int parallelism,
      IngestConfig config,
      Map<String, Object> outcomes) {

    double rawRate() {
      return raw.records() / raw.seconds();
    }

    double jobRate() {
      return jobTriples / jobSeconds;
    }

    /**
     * Triples over the span from the first received to the last batch emitted: without deploying
     * the tasks, opening the transactional producers and the final checkpoint.
     */
    double jobActiveRate() {
      return jobTriples / jobActiveSeconds;
    }

    String json() {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("date", date);
      root.put("machine", machine);
      root.put("dataset", dataset);
      root.put("triples", triples);
      root.put("recordsLoaded", records);
      root.put("loadSeconds", loadSeconds);
      root.put("eventTimeTriplesPerSecond", eventRate);
      root.put("warmupRuns", warmupRuns);
      root.put("inputBytesPerTriple", (double) raw.bytes() / raw.records());
      root.put("outputBytesPerTriple", outputBytesPerTriple);
      root.put("rawConsumerTriples", raw.records());
      root.put("rawConsumerSeconds", raw.seconds());
      root.put("rawConsumerTriplesPerSecond", rawRate());
      root.put("jobTriples", jobTriples);
      root.put("jobNetRuntimeSeconds", jobSeconds);
      root.put("jobActiveSeconds", jobActiveSeconds);
      root.put("jobWallSecondsWithMiniClusterStart", jobWallSeconds);
      root.put("jobTriplesPerSecond", jobRate());
      root.put("jobActiveTriplesPerSecond", jobActiveRate());
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
          | date | machine | triples | plain consumer (raw bytes) | ingest job (net runtime) | job / raw | job, first triple to last batch |
          |---|---|---:|---:|---:|---:|---:|
          | %s | %s | %d | %.0f triples/s (%d in %.2f s) | %.0f triples/s (%d in %.2f s; %.2f s with MiniCluster start) | %.4f | %.0f triples/s (%.2f s) |

          Job: parallelism %d, N = %d, M = %d, checkpoint interval %d ms, exactly-once Kafka sinks. Load: %d records in %.2f s, %s. Warm-up runs before the measured ones: %d. Bytes per triple: %.0f read from kg.triples, %.0f written as batches.
          Outcomes: %s
          """,
          date,
          machine,
          triples,
          rawRate(),
          raw.records(),
          raw.seconds(),
          jobRate(),
          jobTriples,
          jobSeconds,
          jobWallSeconds,
          jobRate() / rawRate(),
          jobActiveRate(),
          jobActiveSeconds,
          parallelism,
          config.policy().contrastiveSize(),
          config.policy().instructionSize(),
          config.checkpointInterval().toMillis(),
          records,
          loadSeconds,
          eventRate > 0
              ? String.format(
                  Locale.ROOT, "stamped %.0f triples per second of event time", eventRate)
              : "stamped when produced",
          warmupRuns,
          (double) raw.bytes() / raw.records(),
          outputBytesPerTriple,
          outcomes);
    }
  }
}
