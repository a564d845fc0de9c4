package io.kalmstream.model.eval;

/**
 * Alignment and uniformity of unit embeddings (Wang &amp; Isola, 2020, "Understanding contrastive
 * representation learning through alignment and uniformity on the hypersphere"), with the paper's
 * defaults α = 2 and t = 2. Lower is better for both.
 */
public final class AlignmentUniformity {
  public static final double DEFAULT_ALPHA = 2;
  public static final double DEFAULT_T = 2;

  private AlignmentUniformity() {}

  /** E over positive pairs of ‖x − y‖^α, with α = 2: here (e_hr, e_t) of true triples. */
  public static double alignment(float[][] x, float[][] y) {
    return alignment(x, y, DEFAULT_ALPHA);
  }

  public static double alignment(float[][] x, float[][] y, double alpha) {
    if (x.length != y.length || x.length == 0) {
      throw new IllegalArgumentException(
          "alignment needs as many left as right vectors, and at least one pair: "
              + x.length
              + " vs "
              + y.length);
    }
    double total = 0;
    for (int i = 0; i < x.length; i++) {
      total += Math.pow(Vectors.squaredDistance(x[i], y[i]), alpha / 2);
    }
    return total / x.length;
  }

  /** log E over distinct pairs of exp(−t‖x − y‖²), with t = 2. */
  public static double uniformity(float[][] x) {
    return uniformity(x, DEFAULT_T);
  }

  /**
   * O(N²·d): callers pass a sample of bounded size. For unit vectors ‖x − y‖² lies in [0, 4], so
   * every term lies in [e^(−4t), 1] and the plain sum neither underflows nor overflows.
   */
  public static double uniformity(float[][] x, double t) {
    int n = x.length;
    if (n < 2) {
      throw new IllegalArgumentException("uniformity needs at least two vectors, got " + n);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        sum += Math.exp(-t * Vectors.squaredDistance(x[i], x[j]));
      }
    }
    return Math.log(sum / ((double) n * (n - 1) / 2));
  }
}
