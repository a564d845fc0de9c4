package io.kalmstream.cli.load;

/**
 * Which part of a dataset a load streams.
 *
 * @param trainLimit at most this many training triples, from the start of train.tsv (negative: all)
 * @param evalLimit at most this many test triples to kg.eval.triples, from the start of test.tsv
 *     (negative: all)
 * @param queries size of the sample of the streamed test triples sent as link-prediction queries
 * @param seed seed of the query sample, so two loads send the same queries
 * @param entities which entity descriptions are produced
 * @param selection how the training and held-out triples are chosen
 */
public record LoadSlice(
    int trainLimit,
    int evalLimit,
    int queries,
    long seed,
    EntityScope entities,
    Selection selection) {

  /** ALL: every entity of entity2text.txt; REFERENCED: only those named by the streamed triples. */
  public enum EntityScope {
    ALL,
    REFERENCED
  }

  /**
   * HEAD: the first training and test triples of the files, as they come. NEIGHBOURHOOD: a
   * connected part of the training graph grown from a seeded entity, held out from within it so
   * that every held-out triple names only entities the streamed training triples describe (see
   * {@link NeighbourhoodSlice}).
   */
  public enum Selection {
    HEAD,
    NEIGHBOURHOOD
  }

  public LoadSlice {
    if (queries < 0) {
      throw new IllegalArgumentException("the number of queries must be >= 0, got " + queries);
    }
  }

  public LoadSlice(int trainLimit, int evalLimit, int queries, long seed, EntityScope entities) {
    this(trainLimit, evalLimit, queries, seed, entities, Selection.HEAD);
  }

  public static LoadSlice everything() {
    return new LoadSlice(-1, -1, 200, 7L, EntityScope.ALL, Selection.HEAD);
  }
}
