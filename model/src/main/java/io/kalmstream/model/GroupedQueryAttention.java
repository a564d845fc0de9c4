package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head self-attention with grouped key/value heads, rotary positions and an additive mask.
 *
 * <p>Inputs: x [B, T, H], cos and sin [T, D], mask bias [B, 1, 1, T, T] (0 where a query may attend, a large
 * negative number elsewhere). Output [B, T, H]. The G = numHeads / numKvHeads query heads that share a
 * key/value head are kept as their own axis, [B, KV, G, T, D], so keys and values broadcast over G instead of
 * being copied (Hugging Face's {@code repeat_kv}, without the copy).
 */
public final class GroupedQueryAttention extends CheckpointBlock {

  private final LlamaConfig config;
  private final LoraLinear qProj;
  private final LoraLinear kProj;
  private final LoraLinear vProj;
  private final LoraLinear oProj;
  private final float scale;

  public GroupedQueryAttention(LlamaConfig config) {
    this.config = config;
    int h = config.hiddenSize();
    qProj = addChildBlock("q_proj", new LoraLinear(h, config.queryWidth(), config.qkvBias()));
    kProj = addChildBlock("k_proj", new LoraLinear(h, config.kvWidth(), config.qkvBias()));
    vProj = addChildBlock("v_proj", new LoraLinear(h, config.kvWidth(), config.qkvBias()));
    oProj = addChildBlock("o_proj", new LoraLinear(config.queryWidth(), h, config.outputBias()));
    scale = (float) (1 / Math.sqrt(config.headDim()));
  }

  /** The projection called {@code name} (q_proj, k_proj, v_proj, o_proj). */
  LoraLinear projection(String name) {
    switch (name) {
      case "q_proj":
        return qProj;
      case "k_proj":
        return kProj;
      case "v_proj":
        return vProj;
      case "o_proj":
        return oProj;
      default:
        throw new IllegalArgumentException("no attention projection " + name);
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray cos = inputs.get(1);
    NDArray sin = inputs.get(2);
    NDArray maskBias = inputs.get(3);
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int kv = config.numKvHeads();
    int g = config.queriesPerKvHead();
    int d = config.headDim();
    // [B, T, KV*G*D] -> [B, KV, G, T, D]
    NDArray q = project(qProj, ps, x, training).reshape(b, t, kv, g, d).transpose(0, 2, 3, 1, 4);
    // [B, T, KV*D] -> [B, KV, 1, T, D]
    NDArray k = project(kProj, ps, x, training).reshape(b, t, kv, 1, d).transpose(0, 2, 3, 1, 4);
    NDArray v = project(vProj, ps, x, training).reshape(b, t, kv, 1, d).transpose(0, 2, 3, 1, 4);
    q = RotaryEmbedding.apply(q, cos, sin);
    k = RotaryEmbedding.apply(k, cos, sin);
    // [B, KV, G, T, T]; softmax in float32 as Hugging Face's eager attention does
    NDArray scores = q.matMul(k.transpose(0, 1, 2, 4, 3)).mul(scale).add(maskBias);
    NDArray probs = scores.getDataType() == DataType.FLOAT32
        ? scores.softmax(-1)
        : scores.toType(DataType.FLOAT32, false).softmax(-1).toType(scores.getDataType(), false);
    // [B, KV, G, T, D] -> [B, T, KV, G, D] -> [B, T, KV*G*D]
    NDArray context = probs.matMul(v).transpose(0, 3, 1, 2, 4).reshape(b, t, (long) kv * g * d);
    return oProj.forward(ps, new NDList(context), training);
  }

  private static NDArray project(LoraLinear proj, ParameterStore ps, NDArray x, boolean training) {
    return proj.forward(ps, new NDList(x), training).singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
