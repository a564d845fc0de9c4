package io.kalmstream.cli.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the dashboard knows about the running pipeline, fed by the Kafka feed and the pollers and
 * read by the page: quality per model version, alerts, checkpoints, training progress, topic rates,
 * consumer lag, recent predictions, and the catalog of entity and relation names used to label
 * them.
 */
final class PipelineState {
  /** An hour of two-second polls. */
  static final int SERIES_CAPACITY = 1800;

  static final int PREDICTION_ROWS = 25;

  record QualityPoint(long t, long version, String name, double value, long sampleSize) {}

  record AlertPoint(
      long t, String kind, long version, double value, double threshold, String message) {}

  record CheckpointPoint(long t, long version, Map<String, Double> metrics) {}

  record TrainingPoint(
      long t,
      double step,
      double loss,
      double lossContrastive,
      double lossInstruction,
      double temperature,
      double pairsPerSecond,
      double learningRate) {}

  record RatesPoint(long t, Map<String, Double> recordsPerSecond) {}

  record LagPoint(long t, Map<String, Long> lagByGroup) {}

  record Candidate(String entityId, String name, double score) {}

  record PredictionRow(
      long t,
      String queryId,
      String entityId,
      String entityName,
      String relation,
      long version,
      double latencyMs,
      List<Candidate> candidates,
      String error) {}

  /** The scorer's own view: the version answering queries now and its index. */
  record ScorerStatus(
      long t, Long modelVersion, Integer indexedEntities, Double anisotropy, String error) {}

  private final AtomicLong sequence = new AtomicLong();
  final TimeSeries<QualityPoint> quality = new TimeSeries<>(SERIES_CAPACITY, sequence);
  final TimeSeries<AlertPoint> alerts = new TimeSeries<>(SERIES_CAPACITY, sequence);
  final TimeSeries<CheckpointPoint> checkpoints = new TimeSeries<>(SERIES_CAPACITY, sequence);
  final TimeSeries<TrainingPoint> training = new TimeSeries<>(SERIES_CAPACITY, sequence);
  final TimeSeries<RatesPoint> rates = new TimeSeries<>(SERIES_CAPACITY, sequence);
  final TimeSeries<LagPoint> lag = new TimeSeries<>(SERIES_CAPACITY, sequence);
  final TimeSeries<PredictionRow> predictions = new TimeSeries<>(PREDICTION_ROWS, sequence);
  private final Map<String, String> entityNames = new ConcurrentHashMap<>();
  private final Map<String, String> relationNames = new ConcurrentHashMap<>();
  private volatile ScorerStatus scorer = new ScorerStatus(0, null, null, null, "not contacted yet");

  void entity(String id, String name) {
    if (name == null) {
      entityNames.remove(id);
    } else {
      entityNames.put(id, name);
    }
  }

  void relation(String id, String name) {
    if (name == null) {
      relationNames.remove(id);
    } else {
      relationNames.put(id, name);
    }
  }

  String entityName(String id) {
    return id == null ? null : entityNames.get(id);
  }

  boolean knowsEntity(String id) {
    return entityNames.containsKey(id);
  }

  void scorer(ScorerStatus status) {
    this.scorer = status;
  }

  /**
   * Entities whose name starts with {@code prefix} (case-insensitive), shortest names first, at
   * most {@code limit}.
   */
  List<Map<String, String>> suggestEntities(String prefix, int limit) {
    String p = prefix.strip().toLowerCase(Locale.ROOT);
    List<Map.Entry<String, String>> matches = new ArrayList<>();
    if (!p.isEmpty()) {
      for (Map.Entry<String, String> e : entityNames.entrySet()) {
        if (e.getValue().toLowerCase(Locale.ROOT).startsWith(p) || e.getKey().startsWith(p)) {
          matches.add(e);
        }
      }
    }
    matches.sort(
        Map.Entry.<String, String>comparingByValue(
            (a, b) ->
                a.length() != b.length()
                    ? Integer.compare(a.length(), b.length())
                    : a.compareTo(b)));
    List<Map<String, String>> out = new ArrayList<>();
    for (Map.Entry<String, String> e : matches.subList(0, Math.min(limit, matches.size()))) {
      out.add(Map.of("id", e.getKey(), "name", e.getValue()));
    }
    return out;
  }

  /**
   * An entity id for what a person typed: an id as is, else the entity whose name matches exactly,
   * else null.
   */
  String resolveEntity(String typed) {
    String t = typed.strip();
    if (entityNames.containsKey(t)) {
      return t;
    }
    String best = null;
    for (Map.Entry<String, String> e : entityNames.entrySet()) {
      if (e.getValue().equalsIgnoreCase(t) && (best == null || e.getKey().compareTo(best) < 0)) {
        best = e.getKey();
      }
    }
    return best;
  }

  /**
   * The page's view: every series point that arrived after {@code cursor}, the cursor to ask with
   * next time, and the current values.
   */
  Map<String, Object> view(long cursor, long now) {
    synchronized (sequence) {
      return viewLocked(cursor, now);
    }
  }

  private Map<String, Object> viewLocked(long cursor, long now) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("now", now);
    out.put("cursor", sequence.get());
    out.put("scorer", scorer);
    CheckpointPoint latest = checkpoints.last();
    if (latest != null) {
      out.put(
          "latestCheckpoint",
          Map.of(
              "version",
              latest.version(),
              "createdAt",
              latest.t(),
              "ageSeconds",
              Math.max(0, (now - latest.t()) / 1000.0)));
    }
    out.put("entities", entityNames.size());
    Map<String, String> relations = new java.util.TreeMap<>(relationNames);
    out.put("relations", relations);
    out.put("quality", quality.after(cursor));
    out.put("alerts", alerts.after(cursor));
    out.put("checkpoints", checkpoints.after(cursor));
    out.put("training", training.after(cursor));
    out.put("rates", rates.after(cursor));
    out.put("lag", lag.after(cursor));
    List<PredictionRow> rows = predictions.all();
    java.util.Collections.reverse(rows);
    out.put("predictions", rows);
    return out;
  }
}
