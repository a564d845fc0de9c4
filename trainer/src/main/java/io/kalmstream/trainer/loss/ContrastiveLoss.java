package io.kalmstream.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * KaLM's explicit-alignment objective: symmetric InfoNCE over the in-batch cosine matrix with an
 * additive margin on the positives and the false-negative mask.
 *
 * <pre>
 *   S       = e_hr · e_tᵀ                      (N, N)   rows: head-relation views, columns: tail views
 *   logits  = (S − γ·I) / τ  + mask           (N, N)   mask[i][j] = −10⁴ where t_j also answers (h_i, r_i)
 *   ℓ_r(i)  = −log softmax_row(logits)[i][i]
 *   ℓ_c(i)  = −log softmax_col(logits)[i][i]
 *   L_exp   = mean_i (ℓ_r(i) + ℓ_c(i)) / 2
 * </pre>
 *
 * The mask is a large finite negative rather than −∞: exp(−10⁴) underflows to exactly 0 in float32,
 * so the loss is the same, while 0·(−∞) = NaN could never appear in a gradient.
 */
public final class ContrastiveLoss {

  /**
   * Added to the logit of a false negative; far below any real logit (|S/τ| ≤ 100 with τ ≥ 0.01).
   */
  public static final float MASKED_LOGIT = -1e4f;

  private final float margin;

  public ContrastiveLoss(float margin) {
    this.margin = margin;
  }

  /**
   * @param headRelation e_hr, (N, d), rows L2-normalised
   * @param tail e_t, (N, d), rows L2-normalised
   * @param inverseTemperature 1/τ, a scalar
   * @param falseNegativeMask (N, N) additive mask from {@link #maskOf}, or null for none
   * @return the scalar L_exp
   */
  public NDArray compute(
      NDArray headRelation, NDArray tail, NDArray inverseTemperature, NDArray falseNegativeMask) {
    long n = headRelation.getShape().get(0);
    if (tail.getShape().get(0) != n) {
      throw new IllegalArgumentException(
          "e_hr has " + n + " rows but e_t has " + tail.getShape().get(0));
    }
    NDManager manager = headRelation.getManager();
    NDArray identity = manager.eye((int) n); // (N, N)
    NDArray similarity = headRelation.matMul(tail.transpose()); // (N, N)
    NDArray logits = similarity.sub(identity.mul(margin)).mul(inverseTemperature); // (N, N)
    if (falseNegativeMask != null) {
      logits = logits.add(falseNegativeMask);
    }
    NDArray rowLoss = logits.logSoftmax(1).mul(identity).sum(new int[] {1}).neg(); // (N)
    NDArray columnLoss = logits.logSoftmax(0).mul(identity).sum(new int[] {0}).neg(); // (N)
    return rowLoss.add(columnLoss).div(2).mean();
  }

  /**
   * The additive (N, N) mask of a batch: {@link #MASKED_LOGIT} at [i][j] for every j in
   * falseNegatives[i], 0 elsewhere. The diagonal is never masked: it holds the positive pair.
   */
  public static NDArray maskOf(
      NDManager manager, int n, List<? extends List<Integer>> falseNegatives) {
    if (falseNegatives.size() != n) {
      throw new IllegalArgumentException(
          "false-negative lists: " + falseNegatives.size() + " rows for a batch of " + n);
    }
    float[] mask = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j : falseNegatives.get(i)) {
        if (j < 0 || j >= n) {
          throw new IllegalArgumentException(
              "false negative column " + j + " of row " + i + " is outside the batch of " + n);
        }
        if (j != i) {
          mask[i * n + j] = MASKED_LOGIT;
        }
      }
    }
    return manager.create(mask, new Shape(n, n));
  }
}
