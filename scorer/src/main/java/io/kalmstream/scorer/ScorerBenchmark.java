package io.kalmstream.scorer;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TextViews;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.Direction;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.Triple;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code kalm bench scorer}: the scorer's own costs on a KG-BERT dataset, in process (no Kafka
 * transport): the time to index every entity under the base model, batched query throughput, the
 * latency of single synchronous queries, and, for a checkpoint written through the model API, the
 * re-index and swap times. Entities, relations and facts enter through the same calls the store
 * processors make.
 */
public final class ScorerBenchmark {

  /**
   * @param entityLimit index at most this many entities (0: all)
   * @param batchSize queries per forward pass in the throughput run
   */
  public record Options(
      Path model,
      ModelOptions modelOptions,
      Path dataset,
      Path workDir,
      int entityLimit,
      int throughputQueries,
      int batchSize,
      int latencyQueries,
      int searchThreads,
      int maxTokens) {}

  /**
   * Wall-clock figures, plus the CPU seconds the process used in each phase: on a shared machine
   * the wall clock says how long it took, the CPU time what it cost.
   */
  public record Result(
      int entities,
      int dimension,
      long initialIndexMs,
      double initialIndexCpuS,
      int throughputQueries,
      int batchSize,
      double queriesPerSecond,
      double throughputCpuS,
      double searchMsPerBatch,
      int latencyQueries,
      double latencyP50Ms,
      double latencyP99Ms,
      long reindexMs,
      double reindexCpuS,
      long swapMs,
      double anisotropyBase,
      double anisotropyCheckpoint) {}

  private ScorerBenchmark() {}

  public static Result run(Options o, Consumer<String> progress) throws Exception {
    KgDataset dataset = KgDatasetReader.read(o.dataset());
    List<EntityDescription> entities = new ArrayList<>(dataset.entities().values());
    if (o.entityLimit() > 0 && o.entityLimit() < entities.size()) {
      entities = entities.subList(0, o.entityLimit());
    }
    ScorerConfig config =
        ScorerConfig.builder("unused", o.workDir())
            .applicationId("bench")
            .maxBatch(o.batchSize())
            .searchThreads(o.searchThreads())
            .evalSample(0)
            .httpPort(-1)
            .exactlyOnce(false)
            .reindexShare(1.0)
            .checkpointRoot(o.workDir())
            .build();
    LlamaModelLoader loader = new LlamaModelLoader(o.model(), o.modelOptions(), o.maxTokens());
    try (ScorerRuntime runtime = new ScorerRuntime(config, loader, TextViews.defaults())) {
      GraphCatalog catalog = runtime.catalog();
      dataset.relations().values().forEach(catalog::putRelation);
      List<Triple> facts = new ArrayList<>(dataset.train());
      facts.addAll(dataset.dev());
      facts.addAll(dataset.test());
      for (Triple t : facts) {
        catalog.putKnown(t.getHead() + '\t' + t.getRelation() + '\t' + t.getTail(), t);
      }

      progress.accept("indexing " + entities.size() + " entities under the base model");
      long started = System.nanoTime();
      double cpu = processCpuSeconds();
      for (EntityDescription e : entities) {
        catalog.putEntity(e);
        runtime.models().entityChanged(e.getId());
      }
      runtime.awaitIndexed();
      long initialIndexMs = millisSince(started);
      double initialIndexCpuS = processCpuSeconds() - cpu;
      double anisotropyBase = runtime.models().current().anisotropy();
      progress.accept("indexed in " + initialIndexMs + " ms");

      List<LinkPredictionQuery> queries = queries(dataset.test(), catalog, o.throughputQueries());
      runtime
          .predictor()
          .answer(timed(queries.subList(0, Math.min(o.batchSize(), queries.size())))); // warm-up
      started = System.nanoTime();
      cpu = processCpuSeconds();
      for (int from = 0; from < queries.size(); from += o.batchSize()) {
        List<LinkPredictionAnswer> answers =
            runtime
                .predictor()
                .answer(
                    timed(queries.subList(from, Math.min(queries.size(), from + o.batchSize()))));
        answers.stream()
            .filter(a -> a.getError() != null)
            .findFirst()
            .ifPresent(
                a -> {
                  throw new IllegalStateException(
                      "query " + a.getQueryId() + " failed: " + a.getError());
                });
      }
      double queriesPerSecond = queries.size() / (millisSince(started) / 1000.0);
      double throughputCpuS = processCpuSeconds() - cpu;
      progress.accept(
          String.format("%.1f queries/s in batches of %d", queriesPerSecond, o.batchSize()));
      double searchMsPerBatch =
          searchOnly(runtime, queries.subList(0, Math.min(o.batchSize(), queries.size())));
      progress.accept(String.format("top-k search alone: %.1f ms per batch", searchMsPerBatch));

      List<LinkPredictionQuery> single = queries(dataset.dev(), catalog, o.latencyQueries());
      double[] latencies = new double[single.size()];
      for (int i = 0; i < single.size(); i++) {
        long t0 = System.nanoTime();
        runtime.query(single.get(i));
        latencies[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(latencies);
      progress.accept(
          String.format(
              "single query p50 %.2f ms, p99 %.2f ms",
              percentile(latencies, 0.5), percentile(latencies, 0.99)));

      progress.accept("writing a checkpoint through the model API and swapping to it");
      CheckpointPublished checkpoint =
          RandomAdapterCheckpoint.write(o.model(), o.workDir().resolve("checkpoint-1"), 1, 1, 0.05);
      cpu = processCpuSeconds();
      runtime.models().checkpointAnnounced(checkpoint);
      runtime.awaitVersion(1, Duration.ofHours(2));
      double reindexCpuS = processCpuSeconds() - cpu;
      ModelManager.SwapTimings swap = runtime.lastSwap();
      progress.accept(
          "re-indexed in "
              + swap.reindex().toMillis()
              + " ms, swapped in "
              + swap.swap().toMillis()
              + " ms");
      return new Result(
          entities.size(),
          runtime.models().current().model().dimension(),
          initialIndexMs,
          initialIndexCpuS,
          queries.size(),
          o.batchSize(),
          queriesPerSecond,
          throughputCpuS,
          searchMsPerBatch,
          single.size(),
          percentile(latencies, 0.5),
          percentile(latencies, 0.99),
          swap.reindex().toMillis(),
          reindexCpuS,
          swap.swap().toMillis(),
          anisotropyBase,
          runtime.models().current().anisotropy());
    }
  }

  /**
   * Mean time of the top-k search alone for one batch of already embedded queries (k = 10, no
   * filter).
   */
  private static double searchOnly(ScorerRuntime runtime, List<LinkPredictionQuery> batch) {
    EntityIndex.Snapshot snapshot = runtime.models().current();
    List<String> views = new ArrayList<>();
    for (LinkPredictionQuery q : batch) {
      views.add(
          TextViews.defaults()
              .headRelation(
                  TextViews.entityText(runtime.catalog().entity(q.getEntityId())),
                  TextViews.relationText(runtime.catalog().relation(q.getRelation()), false)));
    }
    float[][] vectors = snapshot.model().embed(views);
    int repeats = 20;
    long started = System.nanoTime();
    for (int r = 0; r < repeats; r++) {
      runtime.search().search(snapshot.matrix(), vectors, 10, null);
    }
    return (System.nanoTime() - started) / 1e6 / repeats;
  }

  private static double processCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** Tail and head queries, alternating, from the dataset's triples whose entities are indexed. */
  private static List<LinkPredictionQuery> queries(
      List<Triple> triples, GraphCatalog catalog, int count) {
    List<LinkPredictionQuery> out = new ArrayList<>();
    for (int i = 0; out.size() < count && i < triples.size(); i++) {
      Triple t = triples.get(i);
      boolean tail = out.size() % 2 == 0;
      String entity = tail ? t.getHead() : t.getTail();
      if (catalog.entity(entity) != null) {
        out.add(
            LinkPredictionQuery.newBuilder()
                .setQueryId("bench-" + out.size())
                .setEntityId(entity)
                .setRelation(t.getRelation())
                .setDirection(tail ? Direction.TAIL : Direction.HEAD)
                .setK(10)
                .setFilterKnown(true)
                .build());
      }
    }
    return out;
  }

  private static List<LinkPredictor.TimedQuery> timed(List<LinkPredictionQuery> queries) {
    long now = System.currentTimeMillis();
    return queries.stream().map(q -> new LinkPredictor.TimedQuery(q, now)).toList();
  }

  private static double percentile(double[] sorted, double p) {
    return sorted.length == 0
        ? Double.NaN
        : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
