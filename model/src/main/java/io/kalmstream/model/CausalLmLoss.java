package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/** Next-token cross-entropy for causal language modelling, in float32 whatever the logits' precision. */
public final class CausalLmLoss {

  private CausalLmLoss() {}

  /**
   * Mean of −log p(token[t+1] | tokens ≤ t) over the positions t+1 where {@code lossMask} is 1.
   *
   * @param logits [B, T, V]
   * @param inputIds [B, T] int64, the same ids the logits were computed from
   * @param lossMask [B, T], 1 where a token is a prediction target (e.g. response tokens only), 0 on prompt
   *     and padding; position 0 is never a target
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
}
