package io.kalmstream.model;

/**
 * Matrix-multiply FLOPs of one pass over a [B, T] batch (2 FLOPs per multiply-add), the usual basis
 * for "achieved FLOP/s". Element-wise work (norms, softmax, RoPE, activations) is left out.
 *
 * <p>Forward: per token and layer the q/k/v/o and gate/up/down projections plus LoRA's A and B, the
 * LM head per token, and per sequence and layer the two attention products QKᵀ and PV over the full
 * T×T (this implementation computes masked entries too). Backward with frozen base weights: the
 * gradient with respect to the input of every projection and of the LM head (1× their forward
 * cost), both operands of the attention products (2×), and for LoRA the input and the weight
 * gradients (2×).
 */
public record ModelFlops(double forward, double backward) {

  public double forwardBackward() {
    return forward + backward;
  }

  public static ModelFlops of(LlamaConfig c, LoraConfig lora, long batch, long length) {
    double h = c.hiddenSize();
    double tokens = (double) batch * length;
    double projections =
        2 * h * (c.queryWidth() + 2.0 * c.kvWidth())
            + 2.0 * c.queryWidth() * h
            + 3 * 2 * h * c.intermediateSize();
    double loraPerToken = 0;
    if (lora != null) {
      for (String target : lora.targetModules()) {
        loraPerToken += 2.0 * lora.rank() * (inWidth(c, target) + outWidth(c, target));
      }
    }
    double head = 2 * h * c.vocabSize();
    double attention = 2 * 2 * (double) length * length * c.headDim() * c.numHeads();
    double layersPerToken = c.numLayers() * (projections + loraPerToken);
    double attentionAll = batch * c.numLayers() * attention;
    double forward = tokens * (layersPerToken + head) + attentionAll;
    double backward =
        tokens * (c.numLayers() * (projections + 2 * loraPerToken) + head) + 2 * attentionAll;
    return new ModelFlops(forward, backward);
  }

  static int inWidth(LlamaConfig c, String projection) {
    switch (projection) {
      case "o_proj":
        return c.queryWidth();
      case "down_proj":
        return c.intermediateSize();
      default:
        return c.hiddenSize();
    }
  }

  static int outWidth(LlamaConfig c, String projection) {
    switch (projection) {
      case "q_proj":
        return c.queryWidth();
      case "k_proj":
      case "v_proj":
        return c.kvWidth();
      case "gate_proj":
      case "up_proj":
        return c.intermediateSize();
      default:
        return c.hiddenSize();
    }
  }
}
