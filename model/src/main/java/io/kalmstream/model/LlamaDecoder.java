package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Llama-family decoder as a DJL block: token embedding, N {@link DecoderLayer}s, final {@link
 * RmsNorm}; {@link #logits} applies the LM head (tied to the embedding or separate).
 *
 * <p>{@link #forward} takes {@code NDList(inputIds [B, T] int64, attentionMask [B, T])} with right
 * padding (mask 1 on tokens, 0 on padding) and returns {@code NDList(hidden [B, T, H])}, the
 * final-norm output that the LM head reads. Position ids are 0..T-1 for every row, which is exact
 * for right-padded batches.
 */
public final class LlamaDecoder extends CheckpointBlock {

  private final LlamaConfig config;
  private final Parameter embedTokens;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final RmsNorm norm;
  private final Parameter lmHead;
  private final RotaryEmbedding rotary;

  public LlamaDecoder(LlamaConfig config) {
    this.config = config;
    embedTokens =
        addParameter(
            Parameter.builder()
                .setName("embed_tokens")
                .setType(Parameter.Type.WEIGHT)
                .optRequiresGrad(false)
                .build());
    for (int i = 0; i < config.numLayers(); i++) {
      layers.add(addChildBlock("layers_" + i, new DecoderLayer(config)));
    }
    norm = addChildBlock("norm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
    lmHead =
        config.tieWordEmbeddings()
            ? null
            : addParameter(
                Parameter.builder()
                    .setName("lm_head")
                    .setType(Parameter.Type.WEIGHT)
                    .optRequiresGrad(false)
                    .build());
    rotary = new RotaryEmbedding(config);
  }

  public LlamaConfig config() {
    return config;
  }

  /**
   * Loads every base weight from a Hugging Face checkpoint as {@code type} into {@code manager}.
   */
  void loadWeights(HfCheckpoint checkpoint, NDManager manager, DataType type) {
    setFrozen(
        embedTokens,
        checkpoint.load("model.embed_tokens.weight", manager, type),
        new Shape(config.vocabSize(), config.hiddenSize()));
    for (int i = 0; i < layers.size(); i++) {
      String prefix = "model.layers." + i + ".";
      DecoderLayer layer = layers.get(i);
      layer.inputNorm().setGain(checkpoint.load(prefix + "input_layernorm.weight", manager, type));
      layer
          .postAttentionNorm()
          .setGain(checkpoint.load(prefix + "post_attention_layernorm.weight", manager, type));
      for (Map.Entry<String, LoraLinear> p : projections(i).entrySet()) {
        String name = "model.layers." + i + "." + p.getKey();
        NDArray bias =
            checkpoint.contains(name + ".bias")
                ? checkpoint.load(name + ".bias", manager, type)
                : null;
        p.getValue().setBase(checkpoint.load(name + ".weight", manager, type), bias);
      }
    }
    norm.setGain(checkpoint.load("model.norm.weight", manager, type));
    if (lmHead != null) {
      setFrozen(
          lmHead,
          checkpoint.load("lm_head.weight", manager, type),
          new Shape(config.vocabSize(), config.hiddenSize()));
    }
  }

  private static void setFrozen(Parameter parameter, NDArray value, Shape expected) {
    if (!value.getShape().equals(expected)) {
      throw new IllegalArgumentException(
          parameter.getName() + " has shape " + value.getShape() + ", expected " + expected);
    }
    parameter.setArray(value);
    parameter.freeze(true);
  }

  /**
   * The linear projections of layer {@code i}, keyed by their Hugging Face path inside the layer
   * ({@code self_attn.q_proj}, ..., {@code mlp.down_proj}), in checkpoint order.
   */
  Map<String, LoraLinear> projections(int i) {
    DecoderLayer layer = layers.get(i);
    Map<String, LoraLinear> out = new LinkedHashMap<>();
    for (String name : LoraConfig.ATTENTION_PROJECTIONS) {
      out.put("self_attn." + name, layer.attention().projection(name));
    }
    for (String name : LoraConfig.MLP_PROJECTIONS) {
      out.put("mlp." + name, layer.mlp().projection(name));
    }
    return Collections.unmodifiableMap(out);
  }

  /** The frozen base parameters keyed by their Hugging Face checkpoint names. */
  Map<String, Parameter> baseParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    out.put("model.embed_tokens.weight", embedTokens);
    for (int i = 0; i < layers.size(); i++) {
      String prefix = "model.layers." + i + ".";
      out.put(prefix + "input_layernorm.weight", layers.get(i).inputNorm().gain());
      out.put(prefix + "post_attention_layernorm.weight", layers.get(i).postAttentionNorm().gain());
      for (Map.Entry<String, LoraLinear> p : projections(i).entrySet()) {
        out.put(prefix + p.getKey() + ".weight", p.getValue().weight());
        if (p.getValue().bias() != null) {
          out.put(prefix + p.getKey() + ".bias", p.getValue().bias());
        }
      }
    }
    out.put("model.norm.weight", norm.gain());
    if (lmHead != null) {
      out.put("lm_head.weight", lmHead);
    }
    return out;
  }

  int numLayers() {
    return layers.size();
  }

  DataType computeType() {
    return embedTokens.getArray().getDataType();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.get(0);
    NDArray mask = inputs.get(1);
    NDManager m = ids.getManager();
    int t = (int) ids.getShape().get(1);
    DataType type = computeType();
    // [B, T] -> [B, T, H]
    NDArray x =
        Embedding.embedding(
                ids, ps.getValue(embedTokens, ids.getDevice(), training), SparseFormat.DENSE)
            .singletonOrThrow();
    NDList cosSin = rotary.cosSin(m, 0, t, type);
    NDArray bias = maskBias(mask, 0, t, config.slidingWindow(), type);
    for (DecoderLayer layer : layers) {
      x =
          layer
              .forward(ps, new NDList(x, cosSin.get(0), cosSin.get(1), bias), training)
              .singletonOrThrow();
    }
    return norm.forward(ps, new NDList(x), training);
  }

  /**
   * The forward pass of M sequences that share one prefix, paying for the prefix once: {@code
   * prefixIds} [1, P] runs at positions 0..P-1, then {@code suffixIds} [M, S] (right-padded, {@code
   * suffixMask} [M, S]) at positions P..P+S-1 attending to the prefix's keys and values, broadcast
   * over the M rows. Returns the final-norm hidden states of the suffix [M, S, H]: the same as
   * {@link #forward} over each concatenated row, at a cost of P + M·S token slots instead of M·(P +
   * S). Differentiable in both parts, so a shared instruction preamble gets its gradient from every
   * row.
   */
  public NDArray forwardPrefixed(
      ParameterStore ps,
      NDArray prefixIds,
      NDArray suffixIds,
      NDArray suffixMask,
      boolean training) {
    NDManager m = suffixIds.getManager();
    int p = (int) prefixIds.getShape().get(1);
    long rows = suffixIds.getShape().get(0);
    int s = (int) suffixIds.getShape().get(1);
    DataType type = computeType();
    NDArray embedding = ps.getValue(embedTokens, suffixIds.getDevice(), training);
    // prefix: [1, P] -> [1, P, H], keys and values [1, KV, 1, P, D] per layer
    NDArray prefix =
        Embedding.embedding(prefixIds, embedding, SparseFormat.DENSE).singletonOrThrow();
    NDList prefixCosSin = rotary.cosSin(m, 0, p, type);
    NDArray prefixBias =
        maskBias(m.ones(new Shape(1, p), DataType.INT64), 0, p, config.slidingWindow(), type);
    NDArray noPast = m.zeros(new Shape(1, config.numKvHeads(), 1, 0, config.headDim()), type);
    NDArray[] keys = new NDArray[layers.size()];
    NDArray[] values = new NDArray[layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      NDList out =
          layers
              .get(i)
              .forward(
                  ps,
                  new NDList(
                      prefix, prefixCosSin.get(0), prefixCosSin.get(1), prefixBias, noPast, noPast),
                  training);
      prefix = out.get(0);
      keys[i] = out.get(1);
      values[i] = out.get(2);
    }
    // suffix: [M, S] -> [M, S, H] over P + S keys; the prefix's keys and values are broadcast, not
    // copied
    NDArray x = Embedding.embedding(suffixIds, embedding, SparseFormat.DENSE).singletonOrThrow();
    NDList cosSin = rotary.cosSin(m, p, s, type);
    NDArray fullMask =
        m.ones(new Shape(rows, p), DataType.INT64)
            .concat(suffixMask.toType(DataType.INT64, false), 1);
    NDArray bias = maskBias(fullMask, p, s, config.slidingWindow(), type);
    for (int i = 0; i < layers.size(); i++) {
      Shape past = new Shape(rows, config.numKvHeads(), 1, p, config.headDim());
      NDList in =
          new NDList(
              x,
              cosSin.get(0),
              cosSin.get(1),
              bias,
              keys[i].broadcast(past),
              values[i].broadcast(past));
      x = layers.get(i).forward(ps, in, training).get(0);
    }
    return norm.forward(ps, new NDList(x), training).singletonOrThrow();
  }

  /**
   * Incremental inference for one unpadded sequence: runs {@code newIds} [1, S] at positions {@code
   * cache.length()}.. after the cached ones, appends their keys and values to {@code cache}, and
   * returns the final-norm hidden states [1, S, H]. Equivalent to {@link #forward} over the whole
   * sequence, at a cost linear in its length per step.
   */
  public NDArray forwardCached(ParameterStore ps, NDArray newIds, KvCache cache) {
    NDManager m = newIds.getManager();
    int start = cache.length();
    int s = (int) newIds.getShape().get(1);
    DataType type = computeType();
    NDArray x =
        Embedding.embedding(
                newIds, ps.getValue(embedTokens, newIds.getDevice(), false), SparseFormat.DENSE)
            .singletonOrThrow();
    NDList cosSin = rotary.cosSin(m, start, s, type);
    NDArray bias =
        maskBias(
            m.ones(new Shape(1, start + s), DataType.INT64),
            start,
            s,
            config.slidingWindow(),
            type);
    for (int i = 0; i < layers.size(); i++) {
      NDList in =
          new NDList(
              x,
              cosSin.get(0),
              cosSin.get(1),
              bias,
              cache.keys(i, m, type),
              cache.values(i, m, type));
      NDList out = layers.get(i).forward(ps, in, false);
      x = out.get(0);
      cache.set(i, out.get(1), out.get(2));
    }
    cache.advance(s);
    return norm.forward(ps, new NDList(x), false).singletonOrThrow();
  }

  /**
   * Additive attention bias [B, 1, 1, S, P+S] for S queries at positions P..P+S-1 over P+S keys: 0
   * where query i may see key j (j ≤ P+i, P+i − j < window when there is one, and key j is not
   * padding), the most negative finite value of {@code type} elsewhere, so masked keys get exactly
   * zero weight.
   *
   * @param attentionMask [B, P+S], 1 on tokens, 0 on padding
   * @param window sliding-window width, 0 for none
   */
  static NDArray maskBias(
      NDArray attentionMask, int pastLength, int queries, int window, DataType type) {
    NDManager m = attentionMask.getManager();
    long b = attentionMask.getShape().get(0);
    int keys = pastLength + queries;
    NDArray queryPos = m.arange(pastLength, keys, 1, DataType.INT64).reshape(queries, 1);
    NDArray keyPos = m.arange(0, keys, 1, DataType.INT64).reshape(1, keys);
    NDArray causal = queryPos.gte(keyPos);
    if (window > 0 && keys > window) {
      causal = causal.logicalAnd(queryPos.sub(keyPos).lt(window));
    }
    NDArray keyValid = attentionMask.reshape(b, 1, 1, 1, keys).gt(0);
    NDArray blocked = keyValid.logicalAnd(causal).logicalNot();
    float negative = type == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
    return blocked.toType(type, false).mul(negative);
  }

  /** LM head: hidden [B, T, H] (or [B, H]) → logits [B, T, V] (or [B, V]), in the compute type. */
  public NDArray logits(ParameterStore ps, NDArray hidden, boolean training) {
    Parameter head = lmHead == null ? embedTokens : lmHead;
    return Linear.linear(hidden, ps.getValue(head, hidden.getDevice(), training))
        .singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape ids = inputShapes[0];
    return new Shape[] {new Shape(ids.get(0), ids.get(1), config.hiddenSize())};
  }
}
