package io.kalmstream.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * KaLM's implicit-alignment objective: the causal language-model loss on the response tokens only.
 *
 * <pre>
 *   logits      (B, T, V)   the model's next-token logits at every position
 *   tokenIds    (B, T)      the prompt + response tokens (right-padded)
 *   responseMask(B, T)      1 where tokenIds[b][t] is a response token to be predicted, else 0
 *   L_imp = − Σ_{b,t≥1} mask[b][t] · log softmax(logits[b][t−1])[tokenIds[b][t]]  /  Σ mask
 * </pre>
 *
 * The mean is over all response tokens of the batch (as Hugging Face's causal LM loss with −100 labels), so a
 * long response weighs more than a short one.
 */
public final class InstructionLoss {

  public NDArray compute(NDArray logits, NDArray tokenIds, NDArray responseMask) {
    long length = tokenIds.getShape().get(1);
    if (length < 2) {
      throw new IllegalArgumentException("an instruction example needs at least two tokens, got " + length);
    }
    NDArray predicting = logits.get(new NDIndex(":, :-1, :"));                        // (B, T-1, V)
    NDArray targets = tokenIds.get(new NDIndex(":, 1:")).toType(DataType.INT64, false); // (B, T-1)
    NDArray weights = responseMask.get(new NDIndex(":, 1:")).toType(DataType.FLOAT32, false); // (B, T-1)
    NDArray logProbabilities = predicting.logSoftmax(2);                               // (B, T-1, V)
    NDArray targetLogProbability = logProbabilities.gather(targets.expandDims(2), 2).squeeze(2); // (B, T-1)
    NDArray tokenCount = weights.sum();
    if (tokenCount.getFloat() == 0f) {
      throw new IllegalArgumentException("the batch has no response token to learn from");
    }
    return targetLogProbability.mul(weights).sum().neg().div(tokenCount);
  }
}
