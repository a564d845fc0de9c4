package io.kalmstream.trainer.eval;

import io.kalmstream.model.eval.BidirectionalMetrics;
import io.kalmstream.model.eval.RankingMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one evaluation: both directions and their average, with what was ranked and how
 * long it took.
 *
 * @param triples triples ranked (each in both directions)
 * @param skipped triples of the split that could not be ranked (an entity or the relation has no
 *     description)
 * @param splitSize triples in the split
 * @param entitySeconds time to embed (or read from the cache) every entity
 * @param querySeconds time to embed and rank the queries
 */
public record EvaluationReport(
    String model,
    String adapter,
    String dataset,
    String split,
    int entities,
    int splitSize,
    int triples,
    int skipped,
    BidirectionalMetrics metrics,
    boolean entityCacheHit,
    double entitySeconds,
    double querySeconds) {

  public RankingMetrics average() {
    return metrics.both();
  }

  /**
   * The figures as {@code kalm eval --json} prints them: mr, mrr, hits1, hits3, hits10 of the
   * average at the top level, the same under "tail" and "head", then what was ranked.
   */
  public Map<String, Object> toJson() {
    Map<String, Object> json = figures();
    json.put("model", model);
    json.put("adapter", adapter);
    json.put("dataset", dataset);
    json.put("split", split);
    json.put("entities", entities);
    json.put("split_size", splitSize);
    json.put("triples", triples);
    json.put("skipped", skipped);
    json.put("entity_cache_hit", entityCacheHit);
    json.put("entity_seconds", round(entitySeconds));
    json.put("query_seconds", round(querySeconds));
    return json;
  }

  /**
   * The averaged figures with the per-direction ones under "tail" and "head", rounded to 4
   * decimals.
   */
  public Map<String, Object> figures() {
    Map<String, Object> json = figures(average());
    json.put("tail", figures(metrics.tail()));
    json.put("head", figures(metrics.head()));
    return json;
  }

  private static Map<String, Object> figures(RankingMetrics m) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("mr", round(m.meanRank()));
    json.put("mrr", round(m.meanReciprocalRank()));
    json.put("hits1", round(m.hitsAt(1)));
    json.put("hits3", round(m.hitsAt(3)));
    json.put("hits10", round(m.hitsAt(10)));
    return json;
  }

  private static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 10_000) / 10_000.0 : v;
  }

  /** A human-readable table of both directions and the average. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%s split of %s: %d of %d triples ranked both ways against %d entities (filtered)%s%n",
            split,
            dataset,
            triples,
            splitSize,
            entities,
            skipped > 0 ? ", " + skipped + " skipped (no description)" : ""));
    out.append(String.format("model %s%s%n", model, adapter == null ? "" : ", adapter " + adapter));
    out.append(
        String.format(
            "%-9s %10s %8s %8s %8s %8s%n", "direction", "MR", "MRR", "H@1", "H@3", "H@10"));
    row(out, "tail", metrics.tail());
    row(out, "head", metrics.head());
    row(out, "average", average());
    out.append(
        String.format(
            "entities %.1f s%s, queries %.1f s%n",
            entitySeconds, entityCacheHit ? " (cached)" : "", querySeconds));
    return out.toString();
  }

  private static void row(StringBuilder out, String name, RankingMetrics m) {
    out.append(
        String.format(
            "%-9s %10.1f %8.4f %8.4f %8.4f %8.4f%n",
            name, m.meanRank(), m.meanReciprocalRank(), m.hitsAt(1), m.hitsAt(3), m.hitsAt(10)));
  }

  public static String markdownHeader() {
    return "| model | triples | MR | MRR | H@1 | H@3 | H@10 |\n|---|---:|---:|---:|---:|---:|---:|";
  }

  /** One row under {@link #markdownHeader()}, the averaged figures. */
  public String markdownRow(String label) {
    RankingMetrics m = average();
    return String.format(
        "| %s | %d | %.1f | %.4f | %.4f | %.4f | %.4f |",
        label,
        triples,
        m.meanRank(),
        m.meanReciprocalRank(),
        m.hitsAt(1),
        m.hitsAt(3),
        m.hitsAt(10));
  }
}
