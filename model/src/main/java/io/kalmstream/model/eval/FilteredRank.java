package io.kalmstream.model.eval;

import java.util.BitSet;

/**
 * The filtered rank of the true entity for one link-prediction query (KaLM / SimKGC evaluation):
 * entities are ordered by cosine with the query embedding; every other known true answer (from
 * train, dev and test) is removed from the ranking before the true entity's position is read.
 *
 * <p>Ties use the mean ("realistic") convention: an entity scoring exactly the same as the true
 * entity counts half, so the rank is {@code 1 + #{better} + #{tied}/2}. The optimistic convention
 * (ties ignored) flatters degenerate models whose embeddings collapse, and the pessimistic one
 * (ties all count) punishes them by the full size of the tie; the mean is the expected rank under a
 * random tie break.
 */
public final class FilteredRank {
  private FilteredRank() {}

  /**
   * @param query unit query embedding (e_hr for a tail query, the inverse relation's for a head
   *     query)
   * @param entities unit entity embeddings, one row per entity
   * @param trueIndex row of the true answer
   * @param otherTrueAnswers rows of other known true answers to remove; may be null; the true
   *     answer's own bit is ignored
   * @return the rank, at least 1, a multiple of 0.5
   */
  public static double rank(
      float[] query, EmbeddingMatrix entities, int trueIndex, BitSet otherTrueAnswers) {
    if (query.length != entities.dim()) {
      throw new IllegalArgumentException(
          "query has " + query.length + " entries, entities " + entities.dim());
    }
    float trueScore = entities.dot(trueIndex, query);
    float[] data = entities.data();
    int dim = entities.dim();
    long better = 0;
    long tied = 0;
    for (int j = 0, n = entities.rows(); j < n; j++) {
      if (j == trueIndex || (otherTrueAnswers != null && otherTrueAnswers.get(j))) {
        continue;
      }
      float s = Vectors.dot(data, j * dim, query, 0, dim);
      if (s > trueScore) {
        better++;
      } else if (s == trueScore) {
        tied++;
      }
    }
    return 1 + better + tied / 2.0;
  }
}
