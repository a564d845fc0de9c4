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
 * <p>Inputs: x [B, T, H], cos and sin [T, D], mask bias [B, 1, 1, T, P+T] (0 where a query may
 * attend, a large negative number elsewhere), and for incremental decoding the past keys and values
 * [B, KV, 1, P, D] (rotated; P may be 0). Output [B, T, H]; with past keys and values given, also
 * the extended keys and values [B, KV, 1, P+T, D] for the next step. The G = numHeads / numKvHeads
 * query heads that share a key/value head are kept together, [B, KV, G·T, D], so each key/value
 * head meets its G query heads in one batched matmul instead of being copied G times (Hugging
 * Face's {@code repeat_kv}, without the copy).
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
    // the 1/sqrt(D) scale goes on q, T/D times smaller than the scores
    q = RotaryEmbedding.apply(q, cos, sin).mul(scale);
    k = RotaryEmbedding.apply(k, cos, sin);
    boolean cached = inputs.size() > 4;
    if (cached) {
      k = inputs.get(4).concat(k, 3);
      v = inputs.get(5).concat(v, 3);
    }
    long keys = k.getShape().get(3);
    // Scores [B, KV, G·T, P+T]: one batched matmul per key/value head, keys are not copied G times.
    // The T×T
    // arrays are the largest of the pass, so each handle is closed as soon as the next exists
    // (autograd keeps
    // its own references to what backward needs; a view keeps its storage alive).
    NDArray queries = q.reshape(b, kv, g * t, d);
    NDArray flatScores = queries.matMul(k.reshape(b, kv, keys, d).transpose(0, 1, 3, 2));
    NDArray scores = flatScores.reshape(b, kv, g, t, keys);
    flatScores.close();
    NDArray masked = scores.add(maskBias);
    scores.close();
    NDArray probs = softmax32(masked);
    NDArray flatProbs = probs.reshape(b, kv, g * t, keys);
    probs.close();
    NDArray weighted = flatProbs.matMul(v.reshape(b, kv, keys, d));
    flatProbs.close();
    // [B, KV, G·T, D] -> [B, KV, G, T, D] -> [B, T, KV, G, D] -> [B, T, KV·G·D]
    NDArray context =
        weighted.reshape(b, kv, g, t, d).transpose(0, 3, 1, 2, 4).reshape(b, t, (long) kv * g * d);
    NDArray out = oProj.forward(ps, new NDList(context), training).singletonOrThrow();
    return cached ? new NDList(out, k, v) : new NDList(out);
  }

  /**
   * Softmax over the last axis in float32, as Hugging Face's eager attention does; consumes its
   * input.
   */
  private static NDArray softmax32(NDArray scores) {
    if (scores.getDataType() == DataType.FLOAT32) {
      NDArray probs = scores.softmax(-1);
      scores.close();
      return probs;
    }
    NDArray wide = Casts.to(scores, DataType.FLOAT32);
    scores.close();
    NDArray probs = wide.softmax(-1);
    wide.close();
    NDArray narrow = Casts.to(probs, DataType.FLOAT16);
    probs.close();
    return narrow;
  }

  private static NDArray project(LoraLinear proj, ParameterStore ps, NDArray x, boolean training) {
    return proj.forward(ps, new NDList(x), training).singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
