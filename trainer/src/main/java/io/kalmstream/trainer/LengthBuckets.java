package io.kalmstream.trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups the rows of a batch by length, so that rows of similar length share a forward pass and
 * little of it is spent on padding. A group is an array of row indices, shortest first; the groups
 * together hold every row once. The softmax of the contrastive loss still sees the whole batch:
 * only the forward passes are split.
 */
final class LengthBuckets {

  private LengthBuckets() {}

  /**
   * At most {@code k} groups of consecutive rows in length order, with the boundaries that minimise
   * the padded size Σ rows·longest over the groups (exact, by dynamic programming over the sorted
   * lengths).
   */
  static List<int[]> split(int[] lengths, int k) {
    int[] order = byLength(lengths);
    int n = order.length;
    int groups = Math.max(1, Math.min(k, n));
    // cost[g][i]: least padded size of the first i sorted rows in g groups; cut[g][i]: where the
    // last group starts
    long[][] cost = new long[groups + 1][n + 1];
    int[][] cut = new int[groups + 1][n + 1];
    for (long[] row : cost) {
      Arrays.fill(row, Long.MAX_VALUE);
    }
    cost[0][0] = 0;
    for (int g = 1; g <= groups; g++) {
      for (int i = 1; i <= n; i++) {
        long longest = lengths[order[i - 1]];
        for (int j = g - 1; j < i; j++) {
          if (cost[g - 1][j] == Long.MAX_VALUE) {
            continue;
          }
          long c = cost[g - 1][j] + (i - j) * longest;
          if (c < cost[g][i]) {
            cost[g][i] = c;
            cut[g][i] = j;
          }
        }
      }
    }
    int best = 1;
    for (int g = 2; g <= groups; g++) {
      if (cost[g][n] < cost[best][n]) {
        best = g;
      }
    }
    List<int[]> out = new ArrayList<>(best);
    for (int g = best, end = n; g >= 1; g--) {
      int start = cut[g][end];
      out.add(0, Arrays.copyOfRange(order, start, end));
      end = start;
    }
    return out;
  }

  /** Groups of {@code size} consecutive rows in length order (the last may be smaller). */
  static List<int[]> chunks(int[] lengths, int size) {
    int[] order = byLength(lengths);
    List<int[]> out = new ArrayList<>();
    for (int start = 0; start < order.length; start += size) {
      out.add(Arrays.copyOfRange(order, start, Math.min(order.length, start + size)));
    }
    return out;
  }

  /**
   * For the rows of {@code groups} laid end to end, where each original row {@code 0..n-1} ended
   * up: indexing the concatenated results with it restores the batch's order.
   */
  static long[] inverse(List<int[]> groups, int n) {
    long[] position = new long[n];
    int next = 0;
    for (int[] group : groups) {
      for (int row : group) {
        position[row] = next++;
      }
    }
    return position;
  }

  static long[] asLongs(int[] rows) {
    return Arrays.stream(rows).asLongStream().toArray();
  }

  private static int[] byLength(int[] lengths) {
    return IntStream.range(0, lengths.length)
        .boxed()
        .sorted(Comparator.comparingInt((Integer i) -> lengths[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue)
        .toArray();
  }
}
