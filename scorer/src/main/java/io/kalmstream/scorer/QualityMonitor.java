package io.kalmstream.scorer;

import io.kalmstream.batching.TextViews;
import io.kalmstream.model.eval.AlignmentUniformity;
import io.kalmstream.model.eval.BidirectionalMetrics;
import io.kalmstream.model.eval.BidirectionalMetrics.Direction;
import io.kalmstream.model.eval.FilteredRank;
import io.kalmstream.model.eval.RankingMetrics;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live quality of each model version, on its own thread. Every held-out triple that arrives is
 * ranked in both directions (filtered) under the current version and updates that version's rolling
 * MR, MRR and Hits@k. When a version's index is complete, the newest eval triples are re-ranked
 * under it, and its anisotropy, alignment and uniformity are measured; the values are compared with
 * the run's history (the base model, the best versions so far) to raise drift and regression
 * alerts.
 */
final class QualityMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QualityMonitor.class);

  /** What a complete version measured, kept to compare the next version with. */
  private record VersionSummary(long version, double anisotropy, double mrr) {}

  private final ScorerConfig config;
  private final GraphCatalog catalog;
  private final ScorerEvents events;
  private final Supplier<EntityIndex.Snapshot> current;
  private final TextViews textViews;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "scorer-monitor"));
  private final Map<Long, BidirectionalMetrics> rolling = new HashMap<>();

  /**
   * Monitor thread only: the base model's summary, the least anisotropic and the best-ranking
   * version so far.
   */
  private VersionSummary base;

  private VersionSummary lowestAnisotropy;
  private VersionSummary bestMrr;

  QualityMonitor(
      ScorerConfig config,
      GraphCatalog catalog,
      ScorerEvents events,
      Supplier<EntityIndex.Snapshot> current,
      TextViews textViews) {
    this.textViews = textViews;
    this.config = config;
    this.catalog = catalog;
    this.events = events;
    this.current = current;
  }

  void evalTripleArrived(Triple triple) {
    thread.execute(() -> guarded("eval triple " + triple, () -> rankLive(triple)));
  }

  /** Called once a version's index holds every catalogued entity. */
  void versionComplete(EntityIndex.Snapshot snapshot) {
    thread.execute(
        () -> guarded("model version " + snapshot.version(), () -> measureVersion(snapshot)));
  }

  private void rankLive(Triple triple) {
    EntityIndex.Snapshot snapshot = current.get();
    BidirectionalMetrics metrics =
        rolling.computeIfAbsent(snapshot.version(), v -> new BidirectionalMetrics());
    if (rank(List.of(triple), snapshot, metrics) == 0) {
      LOG.debug(
          "eval triple {} not ranked: an entity is not indexed yet under version {}",
          triple,
          snapshot.version());
      return;
    }
    publishRanking(snapshot.version(), metrics.both());
  }

  private void measureVersion(EntityIndex.Snapshot snapshot) {
    long version = snapshot.version();
    double anisotropy = snapshot.anisotropy();
    events.metric(version, "anisotropy", anisotropy, snapshot.size());
    List<Triple> sample = catalog.newestEvalTriples(config.evalSample());
    BidirectionalMetrics metrics = new BidirectionalMetrics();
    int ranked = rank(sample, snapshot, metrics);
    rolling.put(version, metrics);
    double mrr = metrics.both().meanReciprocalRank();
    if (ranked > 0) {
      publishRanking(version, metrics.both());
      alignmentAndUniformity(sample, snapshot);
    }
    LOG.info(
        "model version {} measured: {} entities, anisotropy {}, eval {}",
        version,
        snapshot.size(),
        anisotropy,
        ranked > 0 ? metrics.both() : "none");
    raiseAlerts(new VersionSummary(version, anisotropy, mrr));
  }

  /**
   * Alerts relative to the run's own history rather than to fixed levels: the base model (version
   * 0) sets the anisotropy a trained version must not exceed, the lowest anisotropy so far the one
   * it must not drift back from, and the best MRR so far the one it must not fall far below. An
   * improving run raises none.
   */
  private void raiseAlerts(VersionSummary now) {
    if (base == null || now.version() == 0) {
      base = now; // the base model is measured again as its index fills; the fullest measurement
      // counts
    }
    double aboveBase = now.anisotropy() - base.anisotropy();
    double baseMrr = latestMrr(base);
    // More anisotropic than the untrained model is a collapse only when the ranking gained nothing
    // by it: the first steps of contrastive training often raise anisotropy for a while before they
    // spread the space out.
    if (aboveBase > config.anisotropyAboveBase() && !(now.mrr() > baseMrr)) {
      String ranking =
          Double.isNaN(baseMrr)
              ? String.format(
                  "MRR %.4f cannot be compared: the base model ranked no eval triple", now.mrr())
              : String.format("MRR %.4f is no better than its %.4f", now.mrr(), baseMrr);
      events.alert(
          "ANISOTROPY_HIGH",
          now.version(),
          base.version(),
          now.anisotropy(),
          config.anisotropyAboveBase(),
          String.format(
              "anisotropy %.4f is %.4f above the base model's %.4f (version %d), and %s",
              now.anisotropy(), aboveBase, base.anisotropy(), base.version(), ranking));
    }
    if (lowestAnisotropy != null && lowestAnisotropy.version() != now.version()) {
      double rise = now.anisotropy() - lowestAnisotropy.anisotropy();
      if (rise > config.anisotropyDriftMargin()) {
        events.alert(
            "ANISOTROPY_DRIFT",
            now.version(),
            lowestAnisotropy.version(),
            now.anisotropy(),
            config.anisotropyDriftMargin(),
            String.format(
                "anisotropy rose by %.4f (%.4f → %.4f) since version %d, the lowest so far",
                rise, lowestAnisotropy.anisotropy(), now.anisotropy(), lowestAnisotropy.version()));
      }
    }
    if (bestMrr != null && bestMrr.version() != now.version()) {
      double best = latestMrr(bestMrr);
      double fall = best - now.mrr();
      if (fall > config.mrrRegressionMargin() * best && fall >= ScorerConfig.MIN_MRR_FALL) {
        events.alert(
            "MRR_REGRESSION",
            now.version(),
            bestMrr.version(),
            now.mrr(),
            config.mrrRegressionMargin(),
            String.format(
                "MRR fell by %.4f (%.4f → %.4f) below version %d, the best so far",
                fall, best, now.mrr(), bestMrr.version()));
      }
    }
    if (!Double.isNaN(now.anisotropy())
        && (lowestAnisotropy == null
            || lowestAnisotropy.version() == now.version()
            || now.anisotropy() < lowestAnisotropy.anisotropy())) {
      lowestAnisotropy = now;
    }
    if (bestMrr == null || bestMrr.version() == now.version() || now.mrr() > latestMrr(bestMrr)) {
      bestMrr = now;
    }
  }

  /** The previous version's MRR including the live triples it ranked after it was measured. */
  private double latestMrr(VersionSummary summary) {
    BidirectionalMetrics metrics = rolling.get(summary.version());
    return metrics == null ? summary.mrr() : metrics.both().meanReciprocalRank();
  }

  /**
   * Ranks each triple whose entities are indexed in both directions, all D_hr views in one forward
   * pass.
   *
   * @return how many triples were ranked
   */
  private int rank(List<Triple> triples, EntityIndex.Snapshot snapshot, BidirectionalMetrics into) {
    List<Triple> rankable = new ArrayList<>();
    List<String> views = new ArrayList<>();
    for (Triple t : triples) {
      EntityDescription head = catalog.entity(t.getHead());
      EntityDescription tail = catalog.entity(t.getTail());
      RelationDescription relation = catalog.relation(t.getRelation());
      if (head == null
          || tail == null
          || relation == null
          || snapshot.row(t.getHead()) < 0
          || snapshot.row(t.getTail()) < 0) {
        continue;
      }
      rankable.add(t);
      views.add(
          textViews.headRelation(
              TextViews.entityText(head), TextViews.relationText(relation, false)));
      views.add(
          textViews.headRelation(
              TextViews.entityText(tail), TextViews.relationText(relation, true)));
    }
    if (rankable.isEmpty()) {
      return 0;
    }
    float[][] vectors = snapshot.model().embed(views);
    for (int i = 0; i < rankable.size(); i++) {
      Triple t = rankable.get(i);
      into.add(
          Direction.TAIL,
          FilteredRank.rank(
              vectors[2 * i],
              snapshot.matrix(),
              snapshot.row(t.getTail()),
              otherAnswers(t.getHead(), t.getRelation(), true, snapshot)));
      into.add(
          Direction.HEAD,
          FilteredRank.rank(
              vectors[2 * i + 1],
              snapshot.matrix(),
              snapshot.row(t.getHead()),
              otherAnswers(t.getTail(), t.getRelation(), false, snapshot)));
    }
    return rankable.size();
  }

  private BitSet otherAnswers(
      String entity, String relation, boolean tailDirection, EntityIndex.Snapshot snapshot) {
    BitSet rows = new BitSet();
    for (String id : catalog.knownAnswers(entity, relation, tailDirection)) {
      int row = snapshot.row(id);
      if (row >= 0) {
        rows.set(row);
      }
    }
    return snapshot.excludedWith(rows);
  }

  /**
   * Alignment of the positive pairs (e_hr, e_t) of the sample, and uniformity of the pooled query
   * and entity embeddings: the sphere on which the two views are aligned.
   */
  private void alignmentAndUniformity(List<Triple> sample, EntityIndex.Snapshot snapshot) {
    List<float[]> queries = new ArrayList<>();
    List<float[]> tails = new ArrayList<>();
    List<String> views = new ArrayList<>();
    List<Integer> tailRows = new ArrayList<>();
    for (Triple t : sample) {
      EntityDescription head = catalog.entity(t.getHead());
      RelationDescription relation = catalog.relation(t.getRelation());
      int tailRow = snapshot.row(t.getTail());
      if (head != null && relation != null && tailRow >= 0) {
        views.add(
            textViews.headRelation(
                TextViews.entityText(head), TextViews.relationText(relation, false)));
        tailRows.add(tailRow);
      }
    }
    if (views.size() < 2) {
      return;
    }
    float[][] hr = snapshot.model().embed(views);
    for (int i = 0; i < hr.length; i++) {
      queries.add(hr[i]);
      tails.add(snapshot.matrix().row(tailRows.get(i)));
    }
    long version = snapshot.version();
    events.metric(
        version,
        "alignment",
        AlignmentUniformity.alignment(
            queries.toArray(float[][]::new), tails.toArray(float[][]::new)),
        hr.length);
    List<float[]> pooled = new ArrayList<>(queries);
    pooled.addAll(tails);
    events.metric(
        version,
        "uniformity",
        AlignmentUniformity.uniformity(pooled.toArray(float[][]::new)),
        pooled.size());
  }

  private void publishRanking(long version, RankingMetrics m) {
    events.metric(version, "mr", m.meanRank(), m.count());
    events.metric(version, "mrr", m.meanReciprocalRank(), m.count());
    events.metric(version, "hits1", m.hitsAt(1), m.count());
    events.metric(version, "hits3", m.hitsAt(3), m.count());
    events.metric(version, "hits10", m.hitsAt(10), m.count());
  }

  private static void guarded(String what, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      LOG.error("quality measurement of {} failed; the scorer keeps answering", what, e);
    }
  }

  /** Waits until every measurement queued so far has run (tests, benchmark). */
  void awaitIdle() throws InterruptedException, ExecutionException {
    thread.submit(() -> {}).get();
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
