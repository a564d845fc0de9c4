package io.kalmstream.cli.load;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.schemas.Direction;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The records a load produces, in the order they go out: relation and entity descriptions first (so
 * the ingest job finds them when the triples arrive), the held-out triples, then the training
 * triples as a stream with the queries spread evenly through it (so predictions keep flowing while
 * the model changes).
 */
public record LoadPlan(
    List<RelationDescription> relations,
    List<EntityDescription> entities,
    List<Triple> eval,
    List<Triple> train,
    List<LinkPredictionQuery> queries) {

  /** Answers asked per query: the dashboard shows the top ten. */
  static final int QUERY_K = 10;

  public static LoadPlan of(KgDataset dataset, LoadSlice slice) {
    List<Triple> train;
    List<Triple> eval;
    if (slice.selection() == LoadSlice.Selection.NEIGHBOURHOOD) {
      NeighbourhoodSlice neighbourhood =
          NeighbourhoodSlice.of(dataset, slice.trainLimit(), slice.evalLimit(), slice.seed());
      train = neighbourhood.train();
      eval = neighbourhood.heldOut();
    } else {
      train = head(dataset.train(), slice.trainLimit());
      eval = head(dataset.test(), slice.evalLimit());
    }
    List<EntityDescription> entities =
        switch (slice.entities()) {
          case ALL -> new ArrayList<>(dataset.entities().values());
          case REFERENCED -> referencedEntities(dataset, train, eval);
        };
    return new LoadPlan(
        new ArrayList<>(dataset.relations().values()),
        entities,
        eval,
        train,
        sampleQueries(eval, slice.queries(), slice.seed()));
  }

  /**
   * How many training triples go out before query {@code index}: query i follows triple floor((i +
   * 1) * train / (queries + 1)), so the queries are spread evenly and none waits for the end.
   */
  public long trainTriplesBeforeQuery(int index) {
    return (long) (index + 1) * train.size() / (queries.size() + 1);
  }

  private static List<Triple> head(List<Triple> triples, int limit) {
    return limit < 0 || limit >= triples.size() ? triples : triples.subList(0, limit);
  }

  private static List<EntityDescription> referencedEntities(
      KgDataset dataset, List<Triple> train, List<Triple> eval) {
    Set<String> ids = new HashSet<>();
    for (List<Triple> triples : List.of(train, eval)) {
      for (Triple t : triples) {
        ids.add(t.getHead());
        ids.add(t.getTail());
      }
    }
    List<EntityDescription> entities = new ArrayList<>();
    for (EntityDescription e : dataset.entities().values()) {
      if (ids.contains(e.getId())) {
        entities.add(e);
      }
    }
    return entities;
  }

  /**
   * A seeded sample of the held-out triples as tail queries, in the order they appear in the split.
   */
  static List<LinkPredictionQuery> sampleQueries(List<Triple> eval, int count, long seed) {
    List<Integer> indexes = new ArrayList<>(eval.size());
    for (int i = 0; i < eval.size(); i++) {
      indexes.add(i);
    }
    Collections.shuffle(indexes, new Random(seed));
    List<Integer> chosen = new ArrayList<>(indexes.subList(0, Math.min(count, indexes.size())));
    Collections.sort(chosen);
    List<LinkPredictionQuery> queries = new ArrayList<>(chosen.size());
    for (int i : chosen) {
      Triple t = eval.get(i);
      queries.add(
          LinkPredictionQuery.newBuilder()
              .setQueryId("load-" + seed + "-" + i)
              .setEntityId(t.getHead())
              .setRelation(t.getRelation())
              .setDirection(Direction.TAIL)
              .setK(QUERY_K)
              .setFilterKnown(false)
              .build());
    }
    return queries;
  }
}
