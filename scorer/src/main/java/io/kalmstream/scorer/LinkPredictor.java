package io.kalmstream.scorer;

import io.kalmstream.batching.TextViews;
import io.kalmstream.model.eval.ScoredIndex;
import io.kalmstream.model.eval.TopKSearch;
import io.kalmstream.schemas.Direction;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.ScoredEntity;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Answers a batch of link-prediction queries with one forward pass: D_hr (or its inverse for head
 * queries) of every valid query is embedded together, then all entities are ranked by cosine. The
 * stream processor and the synchronous HTTP endpoint both come here. The whole batch is answered by
 * one index snapshot, whose model version every answer names.
 */
final class LinkPredictor {
  /** A query with the time it entered the system, for the answer's latency. */
  record TimedQuery(LinkPredictionQuery query, long receivedAtMs) {}

  private final GraphCatalog catalog;
  private final Supplier<EntityIndex.Snapshot> current;
  private final TopKSearch search;
  private final int maxK;
  private final int maxTextChars;
  private final TextViews views;

  LinkPredictor(
      GraphCatalog catalog,
      Supplier<EntityIndex.Snapshot> current,
      TopKSearch search,
      int maxK,
      int maxTextChars,
      TextViews views) {
    this.maxTextChars = maxTextChars;
    this.views = views;
    this.catalog = catalog;
    this.current = current;
    this.search = search;
    this.maxK = maxK;
  }

  List<LinkPredictionAnswer> answer(List<TimedQuery> batch) {
    EntityIndex.Snapshot snapshot = current.get();
    LinkPredictionAnswer[] answers = new LinkPredictionAnswer[batch.size()];
    List<Integer> valid = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      LinkPredictionQuery q = batch.get(i).query();
      Prepared prepared = prepare(q, snapshot);
      if (prepared.error() == null) {
        valid.add(i);
        texts.add(prepared.view());
      } else {
        answers[i] = answer(batch.get(i), List.of(), snapshot.version(), prepared.error());
      }
    }
    if (!valid.isEmpty()) {
      float[][] queryVectors = snapshot.model().embed(texts);
      int maxRequested =
          valid.stream().mapToInt(i -> batch.get(i).query().getK()).max().orElseThrow();
      BitSet[] excluded = new BitSet[valid.size()];
      for (int v = 0; v < valid.size(); v++) {
        excluded[v] = exclusions(batch.get(valid.get(v)).query(), snapshot);
      }
      ScoredIndex[][] top = search.search(snapshot.matrix(), queryVectors, maxRequested, excluded);
      for (int v = 0; v < valid.size(); v++) {
        TimedQuery tq = batch.get(valid.get(v));
        List<ScoredEntity> candidates = new ArrayList<>();
        for (int c = 0; c < Math.min(tq.query().getK(), top[v].length); c++) {
          String id = snapshot.id(top[v][c].index());
          EntityDescription e = catalog.entity(id);
          candidates.add(new ScoredEntity(id, e == null ? "" : e.getName(), top[v][c].score()));
        }
        answers[valid.get(v)] = answer(tq, candidates, snapshot.version(), null);
      }
    }
    return List.of(answers);
  }

  /** Either the D_hr view to embed or why the query cannot be answered. */
  private record Prepared(String view, String error) {
    static Prepared rejected(String error) {
      return new Prepared(null, error);
    }
  }

  private Prepared prepare(LinkPredictionQuery q, EntityIndex.Snapshot snapshot) {
    if (q.getK() < 1 || q.getK() > maxK) {
      return Prepared.rejected("k out of range: " + q.getK() + " (allowed 1 to " + maxK + ")");
    }
    if ((q.getEntityId() == null) == (q.getEntityText() == null)) {
      return Prepared.rejected("exactly one of entityId and entityText must be set");
    }
    RelationDescription relation = catalog.relation(q.getRelation());
    if (relation == null) {
      return Prepared.rejected("unknown relation " + q.getRelation());
    }
    String entityText;
    if (q.getEntityId() != null) {
      EntityDescription entity = catalog.entity(q.getEntityId());
      if (entity == null) {
        return Prepared.rejected("unknown entity " + q.getEntityId());
      }
      entityText = TextViews.entityText(entity);
    } else if (q.getEntityText().isBlank()) {
      return Prepared.rejected("entityText is blank");
    } else if (q.getEntityText().length() > maxTextChars) {
      return Prepared.rejected(
          "entityText has "
              + q.getEntityText().length()
              + " characters (at most "
              + maxTextChars
              + ")");
    } else {
      entityText = q.getEntityText();
    }
    if (snapshot.size() == 0) {
      return Prepared.rejected(
          "the entity index of model version " + snapshot.version() + " is still empty");
    }
    return new Prepared(
        views.headRelation(
            entityText, TextViews.relationText(relation, q.getDirection() == Direction.HEAD)),
        null);
  }

  /**
   * Rows the answer may not name: removed entities, and known answers when the query asks to filter
   * them.
   */
  private BitSet exclusions(LinkPredictionQuery q, EntityIndex.Snapshot snapshot) {
    BitSet known = null;
    if (q.getFilterKnown() && q.getEntityId() != null) {
      known = new BitSet();
      Set<String> answers =
          catalog.knownAnswers(
              q.getEntityId(), q.getRelation(), q.getDirection() == Direction.TAIL);
      for (String id : answers) {
        int row = snapshot.row(id);
        if (row >= 0) {
          known.set(row);
        }
      }
    }
    return snapshot.excludedWith(known);
  }

  /** The answer to a query that could not be scored, naming no version. */
  static LinkPredictionAnswer failed(TimedQuery tq, String error) {
    return answer(tq, List.of(), -1, error);
  }

  private static LinkPredictionAnswer answer(
      TimedQuery tq, List<ScoredEntity> candidates, long version, String error) {
    return LinkPredictionAnswer.newBuilder()
        .setQueryId(tq.query().getQueryId())
        .setCandidates(candidates)
        .setModelVersion(version)
        .setLatencyMs(Math.max(0, System.currentTimeMillis() - tq.receivedAtMs()))
        .setError(error)
        .build();
  }
}
