package io.kalmstream.model.eval;

/**
 * Sentence-level anisotropy (KaLM eq. 7): the mean cosine e_i·e_j over all ordered pairs i ≠ j of a
 * set of N unit embeddings. Since Σ_{i≠j} e_i·e_j = |Σ e_i|² − Σ |e_i|² = |Σ e_i|² − N, it costs
 * O(N·d) instead of O(N²·d). Near 0: embeddings spread over the sphere; near 1: they collapse into
 * a narrow cone.
 */
public final class Anisotropy {
  private Anisotropy() {}

  public static double of(EmbeddingMatrix embeddings) {
    return fromSum(sum(embeddings), embeddings.rows());
  }

  /** Component-wise sum of the rows, in double to keep the cancellation in |Σe|² − N accurate. */
  public static double[] sum(EmbeddingMatrix embeddings) {
    int dim = embeddings.dim();
    double[] sum = new double[dim];
    float[] data = embeddings.data();
    for (int i = 0, n = embeddings.rows(); i < n; i++) {
      int base = i * dim;
      for (int c = 0; c < dim; c++) {
        sum[c] += data[base + c];
      }
    }
    return sum;
  }

  /**
   * Anisotropy from the sum vector of N unit embeddings, so that a caller maintaining the sum
   * incrementally (an index growing entity by entity) gets the value in O(d). NaN for fewer than
   * two embeddings.
   */
  public static double fromSum(double[] sum, long n) {
    if (n < 2) {
      return Double.NaN;
    }
    double squaredNorm = 0;
    for (double s : sum) {
      squaredNorm += s * s;
    }
    return (squaredNorm - n) / ((double) n * (n - 1));
  }
}
