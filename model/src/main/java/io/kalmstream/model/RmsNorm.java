package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Root-mean-square layer norm, {@code y = γ · x / sqrt(mean(x²) + ε)}, computed in float32 as
 * Hugging Face's LlamaRMSNorm does, then cast back to the input type before the gain. x [..., H] →
 * y [..., H], γ [H].
 */
public final class RmsNorm extends CheckpointBlock {

  private final long size;
  private final float eps;
  private final Parameter gain;

  public RmsNorm(long size, double eps) {
    this.size = size;
    this.eps = (float) eps;
    gain =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.GAMMA)
                .optRequiresGrad(false)
                .build());
  }

  void setGain(NDArray g) {
    if (!g.getShape().equals(new Shape(size))) {
      throw new IllegalArgumentException(
          "norm weight has shape " + g.getShape() + ", expected (" + size + ")");
    }
    gain.setArray(g);
    gain.freeze(true);
  }

  Parameter gain() {
    return gain;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray x32 = Casts.to(x, DataType.FLOAT32);
    NDArray rms = x32.square().mean(new int[] {-1}, true).add(eps).sqrt();
    NDArray normed = Casts.to(x32.div(rms), x.getDataType());
    return new NDList(normed.mul(ps.getValue(gain, x.getDevice(), training)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
