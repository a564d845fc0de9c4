package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * SwiGLU feed-forward: {@code down(silu(gate(x)) · up(x))}; x [B, T, H] → [B, T, H], inner width I.
 */
public final class SwiGluMlp extends CheckpointBlock {

  private final LoraLinear gateProj;
  private final LoraLinear upProj;
  private final LoraLinear downProj;

  public SwiGluMlp(LlamaConfig config) {
    int h = config.hiddenSize();
    int i = config.intermediateSize();
    gateProj = addChildBlock("gate_proj", new LoraLinear(h, i, config.mlpBias()));
    upProj = addChildBlock("up_proj", new LoraLinear(h, i, config.mlpBias()));
    downProj = addChildBlock("down_proj", new LoraLinear(i, h, config.mlpBias()));
  }

  /** The projection called {@code name} (gate_proj, up_proj, down_proj). */
  LoraLinear projection(String name) {
    switch (name) {
      case "gate_proj":
        return gateProj;
      case "up_proj":
        return upProj;
      case "down_proj":
        return downProj;
      default:
        throw new IllegalArgumentException("no MLP projection " + name);
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray gate = gateProj.forward(ps, inputs, training).singletonOrThrow();
    NDArray up = upProj.forward(ps, inputs, training).singletonOrThrow();
    NDArray activated = gate.mul(Activation.sigmoid(gate)).mul(up);
    return downProj.forward(ps, new NDList(activated), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
