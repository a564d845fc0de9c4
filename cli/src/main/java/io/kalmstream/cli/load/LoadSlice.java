package io.kalmstream.cli.load;

/**
 * Which part of a dataset a load streams.
 *
 * @param trainLimit at most this many training triples, from the start of train.tsv (negative: all)
 * @param evalLimit at most this many test triples to kg.eval.triples, from the start of test.tsv (negative: all)
 * @param queries size of the sample of the streamed test triples sent as link-prediction queries
 * @param seed seed of the query sample, so two loads send the same queries
 * @param entities which entity descriptions are produced
 */
public record LoadSlice(int trainLimit, int evalLimit, int queries, long seed, EntityScope entities) {

  /** ALL: every entity of entity2text.txt; REFERENCED: only those named by the streamed triples. */
  public enum EntityScope { ALL, REFERENCED }

  public LoadSlice {
    if (queries < 0) {
      throw new IllegalArgumentException("the number of queries must be >= 0, got " + queries);
    }
  }

  public static LoadSlice everything() {
    return new LoadSlice(-1, -1, 200, 7L, EntityScope.ALL);
  }
}
