package io.kalmstream.cli;

import io.kalmstream.scorer.LlamaModelLoader;
import io.kalmstream.scorer.ScorerBenchmark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "scorer",
    mixinStandardHelpOptions = true,
    description =
        "Scorer figures on a KG-BERT dataset: index time, queries/s, p50/p99 latency, re-index and swap"
            + " time after a checkpoint. Prints them and writes them under --out; with --docs FILE it also replaces the"
            + " scorer section of FILE (e.g. docs/BENCHMARKS.md).")
final class BenchScorerCommand implements Callable<Integer> {
  static final String SECTION_START = "<!-- bench:scorer:start -->";
  static final String SECTION_END = "<!-- bench:scorer:end -->";

  @Mixin ModelDirOption model;

  @Mixin DatasetDirOption dataset;

  @Option(
      names = "--out",
      description = "Directory for the result file (default: ${DEFAULT-VALUE})",
      defaultValue = "target/bench")
  Path out;

  @Option(
      names = "--docs",
      paramLabel = "FILE",
      description =
          "Markdown file whose scorer section (between its start and end markers) is replaced, or appended "
              + "when it has none (default: no document is changed)")
  Path docs;

  @Option(
      names = "--entities",
      description = "Index at most this many entities, 0 for all (default: ${DEFAULT-VALUE})",
      defaultValue = "0")
  int entities;

  @Option(
      names = "--queries",
      description = "Queries in the throughput run (default: ${DEFAULT-VALUE})",
      defaultValue = "2000")
  int queries;

  @Option(
      names = "--batch",
      description = "Queries per forward pass (default: ${DEFAULT-VALUE})",
      defaultValue = "64")
  int batch;

  @Option(
      names = "--latency-queries",
      description = "Single synchronous queries timed (default: ${DEFAULT-VALUE})",
      defaultValue = "300")
  int latencyQueries;

  @Option(names = "--search-threads", description = "Top-k search threads (default: all cores)")
  Integer searchThreads;

  @Option(
      names = "--max-tokens",
      description = "Token limit per embedded text (default: ${DEFAULT-VALUE})",
      defaultValue = "" + LlamaModelLoader.DEFAULT_MAX_TOKENS)
  int maxTokens;

  @Mixin TorchThreadsOption torchThreads;

  @Option(
      names = "--machine",
      description = "Machine description for the report (default: ${DEFAULT-VALUE})",
      defaultValue = "${env:KALM_MACHINE:-2-core CPU}")
  String machine;

  private Path modelDir;
  private Path datasetDir;

  @Override
  public Integer call() throws Exception {
    modelDir = model.modelDir().normalize();
    datasetDir = dataset.datasetDir().normalize();
    torchThreads.apply();
    int threads =
        searchThreads == null ? Runtime.getRuntime().availableProcessors() : searchThreads;
    Files.createDirectories(out);
    Path work = Files.createTempDirectory(out, "scorer-work-");
    ScorerBenchmark.Result r =
        ScorerBenchmark.run(
            new ScorerBenchmark.Options(
                modelDir,
                EngineEnvironment.modelOptions(),
                datasetDir,
                work,
                entities,
                queries,
                batch,
                latencyQueries,
                threads,
                maxTokens),
            line -> System.out.println("bench scorer: " + line));
    String date = LocalDate.now(ZoneOffset.UTC).toString();
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(java.time.Instant.now());
    Path result = out.resolve("scorer-" + stamp + ".json");
    Files.writeString(result, json(r, date));
    System.out.println(json(r, date));
    System.out.println("bench scorer: figures written to " + result);
    if (docs != null) {
      writeSection(docs.normalize(), section(r, date, commandLine(threads)));
      System.out.println("bench scorer: section updated in " + docs.normalize());
    }
    return 0;
  }

  private String commandLine(int threads) {
    StringBuilder cmd = new StringBuilder("./kalm bench scorer");
    if (entities > 0) {
      cmd.append(" --entities ").append(entities);
    }
    cmd.append(" --queries ")
        .append(queries)
        .append(" --batch ")
        .append(batch)
        .append(" --latency-queries ")
        .append(latencyQueries)
        .append(" --search-threads ")
        .append(threads)
        .append(" --torch-threads ")
        .append(torchThreads.threads);
    return cmd.toString();
  }

  private String json(ScorerBenchmark.Result r, String date) {
    return String.format(
        Locale.ROOT,
        """
        {"benchmark": "scorer", "date": "%s", "machine": "%s", "model": "%s", "dataset": "%s",
         "entities": %d, "dimension": %d, "initialIndexMs": %d, "initialIndexCpuS": %.1f,
         "throughputQueries": %d, "batchSize": %d, "queriesPerSecond": %.2f, "throughputCpuS": %.1f,
         "searchMsPerBatch": %.2f, "latencyQueries": %d, "latencyP50Ms": %.3f, "latencyP99Ms": %.3f,
         "reindexMs": %d, "reindexCpuS": %.1f, "swapMs": %d, "anisotropyBase": %.5f, "anisotropyCheckpoint": %.5f}
        """,
        date,
        machine,
        modelDir.getFileName(),
        datasetDir.getFileName(),
        r.entities(),
        r.dimension(),
        r.initialIndexMs(),
        r.initialIndexCpuS(),
        r.throughputQueries(),
        r.batchSize(),
        r.queriesPerSecond(),
        r.throughputCpuS(),
        r.searchMsPerBatch(),
        r.latencyQueries(),
        r.latencyP50Ms(),
        r.latencyP99Ms(),
        r.reindexMs(),
        r.reindexCpuS(),
        r.swapMs(),
        r.anisotropyBase(),
        r.anisotropyCheckpoint());
  }

  private String section(ScorerBenchmark.Result r, String date, String command) {
    return String.format(
        Locale.ROOT,
        """
        %s
        ## Scorer (`kalm bench scorer`)

        Command: `%s` (model `%s`, dataset `%s`)
        Machine: %s. Date: %s.

        In-process scorer, no Kafka transport: entities enter through the same calls as the store processors,
        queries go through the same predictor as the stream (tail and head queries alternating, k = 10, known
        answers filtered), the checkpoint is a PEFT adapter written through the model API.

        | figure | wall clock | process CPU |
        |---|---|---|
        | entities indexed | %d (dimension %d) | |
        | initial index under the base model | %.1f s | %.1f s |
        | throughput, batches of %d queries | %.1f queries/s (%d queries) | %.1f s |
        | top-k search alone, one batch of %d (k = 10) | %.1f ms | |
        | single synchronous query latency, p50 / p99 | %.2f ms / %.2f ms (%d queries) | |
        | re-index after a checkpoint (verify, load, embed all) | %.1f s | %.1f s |
        | swap (catch-up and publish) | %d ms | |
        | anisotropy, base / checkpoint | %.4f / %.4f | |
        %s
        """,
        SECTION_START,
        command,
        modelDir.getFileName(),
        datasetDir.getFileName(),
        machine,
        date,
        r.entities(),
        r.dimension(),
        r.initialIndexMs() / 1000.0,
        r.initialIndexCpuS(),
        r.batchSize(),
        r.queriesPerSecond(),
        r.throughputQueries(),
        r.throughputCpuS(),
        r.batchSize(),
        r.searchMsPerBatch(),
        r.latencyP50Ms(),
        r.latencyP99Ms(),
        r.latencyQueries(),
        r.reindexMs() / 1000.0,
        r.reindexCpuS(),
        r.swapMs(),
        r.anisotropyBase(),
        r.anisotropyCheckpoint(),
        SECTION_END);
  }

  /**
   * Replaces the scorer section of the benchmarks file, or appends it; other sections stay
   * untouched.
   */
  static void writeSection(Path file, String section) throws IOException {
    String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
    int start = text.indexOf(SECTION_START);
    int end = text.indexOf(SECTION_END);
    String updated;
    if ((start >= 0) != (end >= 0) || (start >= 0 && end < start)) {
      throw new IllegalStateException(
          file + " has one of the scorer section's markers without the other: fix it by hand");
    }
    if (start >= 0) {
      updated =
          text.substring(0, start) + section.strip() + text.substring(end + SECTION_END.length());
    } else {
      updated = text.stripTrailing() + "\n\n" + section.strip() + "\n";
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, updated);
  }
}
