package io.kalmstream.model.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvalMathTest {

  static float[][] randomUnitRows(Random random, int n, int dim) {
    float[][] rows = new float[n][dim];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < dim; c++) {
        rows[i][c] = (float) random.nextGaussian();
      }
      rows[i] = Vectors.normalized(rows[i]);
    }
    return rows;
  }

  @Test
  void filteredRankCountsOnlyBetterUnfilteredEntitiesAndHalvesTies() {
    // Scores against query e0: row0 1.0, row1 0.6 (true), row2 0.8, row3 0.6 (tie), row4 0.9
    // (filtered), row5 0.
    float[][] rows = {
      {1, 0}, {0.6f, 0.8f}, {0.8f, 0.6f}, {0.6f, -0.8f}, {0.9f, (float) Math.sqrt(1 - 0.81)}, {0, 1}
    };
    EmbeddingMatrix m = EmbeddingMatrix.of(rows);
    float[] query = {1, 0};
    BitSet filtered = new BitSet();
    filtered.set(4);
    filtered.set(1); // the true answer's own bit must not matter
    assertEquals(1 + 2 + 0.5, FilteredRank.rank(query, m, 1, filtered));
    assertEquals(1 + 3 + 0.5, FilteredRank.rank(query, m, 1, null));
    assertEquals(1.0, FilteredRank.rank(query, m, 0, null));
  }

  @Test
  void filteredRankMatchesAFullSortOnRandomData() {
    Random random = new Random(7);
    float[][] rows = randomUnitRows(random, 500, 16);
    EmbeddingMatrix m = EmbeddingMatrix.of(rows);
    for (int trial = 0; trial < 20; trial++) {
      float[] q = randomUnitRows(random, 1, 16)[0];
      int truth = random.nextInt(rows.length);
      BitSet filter = new BitSet();
      for (int f = 0; f < 30; f++) {
        filter.set(random.nextInt(rows.length));
      }
      List<Integer> kept = new ArrayList<>();
      for (int j = 0; j < rows.length; j++) {
        if (j == truth || !filter.get(j)) {
          kept.add(j);
        }
      }
      kept.sort(Comparator.comparingDouble(j -> -Vectors.dot(rows[j], q)));
      assertEquals(kept.indexOf(truth) + 1.0, FilteredRank.rank(q, m, truth, filter));
    }
  }

  @Test
  void rankingMetricsAggregateMrMrrAndHits() {
    RankingMetrics metrics = new RankingMetrics();
    for (double rank : new double[] {1, 2, 4, 10, 20}) {
      metrics.add(rank);
    }
    assertEquals(37 / 5.0, metrics.meanRank(), 1e-12);
    assertEquals((1 + 0.5 + 0.25 + 0.1 + 0.05) / 5, metrics.meanReciprocalRank(), 1e-12);
    assertEquals(0.2, metrics.hitsAt(1), 1e-12);
    assertEquals(0.4, metrics.hitsAt(3), 1e-12);
    assertEquals(0.8, metrics.hitsAt(10), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> metrics.add(0.5));
    assertThrows(IllegalArgumentException.class, () -> metrics.hitsAt(5));
    assertEquals(Double.NaN, new RankingMetrics().meanReciprocalRank());
  }

  @Test
  void bothDirectionsPoolTailAndHeadRanks() {
    BidirectionalMetrics metrics = new BidirectionalMetrics();
    metrics.add(BidirectionalMetrics.Direction.TAIL, 1);
    metrics.add(BidirectionalMetrics.Direction.HEAD, 4);
    assertEquals(1.0, metrics.tail().meanReciprocalRank());
    assertEquals(0.25, metrics.head().meanReciprocalRank());
    assertEquals(0.625, metrics.both().meanReciprocalRank());
    assertEquals(2, metrics.both().count());
  }

  @Test
  void anisotropyFormulaEqualsThePairwiseMean() {
    Random random = new Random(11);
    float[][] rows = randomUnitRows(random, 200, 8);
    for (float[] row : rows) { // shift into a cone so the value is clearly positive
      row[0] += 1.5f;
    }
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Vectors.normalized(rows[i]);
    }
    double pairwise = 0;
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < rows.length; j++) {
        if (i != j) {
          pairwise += Vectors.dot(rows[i], rows[j]);
        }
      }
    }
    pairwise /= (double) rows.length * (rows.length - 1);
    assertEquals(pairwise, Anisotropy.of(EmbeddingMatrix.of(rows)), 1e-5);
    assertEquals(
        1.0, Anisotropy.of(EmbeddingMatrix.of(new float[][] {{0, 1}, {0, 1}, {0, 1}})), 1e-12);
    assertEquals(-1.0, Anisotropy.of(EmbeddingMatrix.of(new float[][] {{0, 1}, {0, -1}})), 1e-12);
    assertEquals(Double.NaN, Anisotropy.of(EmbeddingMatrix.of(new float[][] {{0, 1}})));
  }

  @Test
  void alignmentAndUniformityFollowWangAndIsola() {
    float[][] x = {{1, 0}, {0, 1}};
    float[][] y = {{1, 0}, {-1, 0}};
    // ‖x0-y0‖² = 0, ‖x1-y1‖² = 2 → mean 1.
    assertEquals(1.0, AlignmentUniformity.alignment(x, y), 1e-12);
    // Antipodal pair: ‖x-y‖² = 4 → log(exp(-8)) = -8; identical pair → 0.
    assertEquals(-8.0, AlignmentUniformity.uniformity(new float[][] {{1, 0}, {-1, 0}}), 1e-12);
    assertEquals(0.0, AlignmentUniformity.uniformity(new float[][] {{1, 0}, {1, 0}}), 1e-12);
    // Three points: pair distances² 2, 2, 4 → log((2e^-4 + e^-8)/3).
    double expected = Math.log((2 * Math.exp(-4) + Math.exp(-8)) / 3);
    assertEquals(
        expected, AlignmentUniformity.uniformity(new float[][] {{1, 0}, {0, 1}, {-1, 0}}), 1e-9);
    assertThrows(
        IllegalArgumentException.class,
        () -> AlignmentUniformity.alignment(x, new float[][] {{1, 0}}));
  }

  @Test
  void topKEqualsAFullSortWithExclusionsOnOneAndManyThreads() {
    Random random = new Random(3);
    float[][] rows = randomUnitRows(random, 9000, 24);
    EmbeddingMatrix m = EmbeddingMatrix.of(rows);
    float[][] queries = randomUnitRows(random, 5, 24);
    BitSet[] excluded = new BitSet[queries.length];
    excluded[1] = new BitSet();
    excluded[1].set(0, 4000);
    for (int threads : new int[] {1, 3}) {
      try (TopKSearch search = new TopKSearch(threads)) {
        ScoredIndex[][] result = search.search(m, queries, 17, excluded);
        for (int q = 0; q < queries.length; q++) {
          final int qq = q;
          List<Integer> expected = new ArrayList<>();
          for (int j = 0; j < rows.length; j++) {
            if (excluded[q] == null || !excluded[q].get(j)) {
              expected.add(j);
            }
          }
          expected.sort(
              Comparator.comparingDouble((Integer j) -> -Vectors.dot(rows[j], queries[qq]))
                  .thenComparingInt(j -> j));
          int[] expectedTop =
              expected.subList(0, 17).stream().mapToInt(Integer::intValue).toArray();
          int[] actualTop =
              java.util.Arrays.stream(result[q]).mapToInt(ScoredIndex::index).toArray();
          assertArrayEquals(expectedTop, actualTop, "query " + q + " on " + threads + " threads");
          assertEquals(Vectors.dot(rows[expectedTop[0]], queries[q]), result[q][0].score(), 1e-6);
        }
      }
    }
  }

  @Test
  void topKBreaksTiesByRowAndReturnsFewerWhenFewerRowsAreEligible() {
    EmbeddingMatrix m = EmbeddingMatrix.of(new float[][] {{1, 0}, {0, 1}, {1, 0}, {1, 0}});
    try (TopKSearch search = new TopKSearch(1)) {
      ScoredIndex[] top = search.search(m, new float[][] {{1, 0}}, 2, null)[0];
      assertEquals(List.of(new ScoredIndex(0, 1f), new ScoredIndex(2, 1f)), List.of(top));
      assertEquals(4, search.search(m, new float[][] {{1, 0}}, 10, null)[0].length);
      assertThrows(
          IllegalArgumentException.class, () -> search.search(m, new float[][] {{1, 0}}, 0, null));
    }
  }
}
