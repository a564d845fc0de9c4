package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Next-token cross-entropy for causal language modelling, in float32 whatever the logits'
 * precision.
 */
public final class CausalLmLoss {

  private CausalLmLoss() {}

  /**
   * Mean of −log p(token[t+1] | tokens ≤ t) over the positions t+1 where {@code lossMask} is 1.
   *
   * @param logits [B, T, V]
   * @param inputIds [B, T] int64, the same ids the logits were computed from
   * @param lossMask [B, T], 1 where a token is a prediction target (e.g. response tokens only), 0
   *     on prompt and padding; position 0 is never a target
   * @return a scalar float32 loss (0 when no position is a target)
   */
  public static NDArray mean(NDArray logits, NDArray inputIds, NDArray lossMask) {
    long t = logits.getShape().get(1);
    NDIndex predictors = new NDIndex().addAllDim().addSliceDim(0, t - 1);
    NDIndex targets = new NDIndex().addAllDim().addSliceDim(1, t);
    // [B, T-1, V] log-probabilities, [B, T-1, 1] target ids
    NDArray logProbs = Casts.to(logits.get(predictors), DataType.FLOAT32).logSoftmax(2);
    NDArray targetIds = inputIds.get(targets).toType(DataType.INT64, false).expandDims(2);
    NDArray picked = logProbs.gather(targetIds, 2).squeeze(2);
    NDArray weights = lossMask.get(targets).toType(DataType.FLOAT32, false);
    return picked.mul(weights).sum().neg().div(weights.sum().maximum(1f));
  }

  /**
   * The same loss with the LM head applied only where it is needed: at the positions t whose next
   * token t+1 is a target. The head and the log-softmax over the vocabulary are the widest
   * operations of a small model's pass, and an instruction sequence has targets on its response
   * only (about a fifth of its positions).
   *
   * @param hidden [B, T, H] final-norm hidden states
   * @param inputIds [B][T] the ids they were computed from
   * @param lossMask [B][T] 1 where a token is a prediction target
   * @param head the LM head, hidden [K, H] → logits [K, V]
   * @return a scalar float32 loss (0 when no position is a target)
   */
  public static NDArray meanAtTargets(
      NDArray hidden,
      long[][] inputIds,
      long[][] lossMask,
      java.util.function.UnaryOperator<NDArray> head) {
    long b = hidden.getShape().get(0);
    long t = hidden.getShape().get(1);
    long h = hidden.getShape().get(2);
    int count = 0;
    for (long[] row : lossMask) {
      for (int j = 1; j < row.length; j++) {
        count += row[j] != 0 ? 1 : 0;
      }
    }
    NDManager m = hidden.getManager();
    if (count == 0) {
      return m.zeros(new ai.djl.ndarray.types.Shape(), DataType.FLOAT32);
    }
    long[] positions = new long[count];
    long[] targets = new long[count];
    int k = 0;
    for (int row = 0; row < b; row++) {
      for (int j = 1; j < t; j++) {
        if (lossMask[row][j] != 0) {
          positions[k] = row * t + j - 1;
          targets[k] = inputIds[row][j];
          k++;
        }
      }
    }
    // [B·T, H] -> [K, H] -> [K, V]
    NDArray predictors = hidden.reshape(b * t, h).get(m.create(positions));
    NDArray logProbs = Casts.to(head.apply(predictors), DataType.FLOAT32).logSoftmax(1);
    NDArray picked = logProbs.gather(m.create(targets).expandDims(1), 1);
    return picked.mean().neg();
  }
}
