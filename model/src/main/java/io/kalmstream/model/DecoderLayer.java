package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-norm decoder layer: {@code h = x + attn(norm₁(x))}, {@code y = h + mlp(norm₂(h))}. Inputs
 * and outputs as {@link GroupedQueryAttention}: x [B, T, H], cos, sin [T, D], mask bias, optionally
 * past keys and values (then the extended keys and values are returned after the output).
 */
public final class DecoderLayer extends CheckpointBlock {

  private final RmsNorm inputNorm;
  private final GroupedQueryAttention attention;
  private final RmsNorm postAttentionNorm;
  private final SwiGluMlp mlp;

  public DecoderLayer(LlamaConfig config) {
    inputNorm =
        addChildBlock("input_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
    attention = addChildBlock("self_attn", new GroupedQueryAttention(config));
    postAttentionNorm =
        addChildBlock(
            "post_attention_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
    mlp = addChildBlock("mlp", new SwiGluMlp(config));
  }

  RmsNorm inputNorm() {
    return inputNorm;
  }

  RmsNorm postAttentionNorm() {
    return postAttentionNorm;
  }

  GroupedQueryAttention attention() {
    return attention;
  }

  SwiGluMlp mlp() {
    return mlp;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray normed = inputNorm.forward(ps, new NDList(x), training).singletonOrThrow();
    NDList attnIn = new NDList(normed);
    attnIn.addAll(inputs.subNDList(1));
    NDList attnOut = attention.forward(ps, attnIn, training);
    NDArray h = x.add(attnOut.get(0));
    NDList mlpIn = postAttentionNorm.forward(ps, new NDList(h), training);
    NDList out = new NDList(h.add(mlp.forward(ps, mlpIn, training).singletonOrThrow()));
    out.addAll(attnOut.subNDList(1));
    return out;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
