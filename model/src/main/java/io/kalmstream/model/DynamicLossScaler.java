package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.List;

/**
 * Dynamic loss scaling for float16 training (PyTorch's GradScaler policy): the loss is multiplied
 * by a scale before backward so small float16 gradients do not flush to zero; gradients are divided
 * by it before the optimizer step. A step whose gradients hold inf/NaN is skipped and the scale
 * halves; after {@code growthInterval} good steps in a row it doubles. On float32 (CPU) training
 * use {@link #disabled()}.
 */
public final class DynamicLossScaler {

  private final boolean enabled;
  private final int growthInterval;
  private float scale;
  private int goodSteps;

  public DynamicLossScaler(float initialScale, int growthInterval) {
    this(true, initialScale, growthInterval);
  }

  private DynamicLossScaler(boolean enabled, float initialScale, int growthInterval) {
    this.enabled = enabled;
    this.scale = initialScale;
    this.growthInterval = growthInterval;
  }

  /** GradScaler's defaults: scale 2^16, growth every 2000 good steps. */
  public static DynamicLossScaler forFloat16() {
    return new DynamicLossScaler(65536f, 2000);
  }

  /** Scale 1, never skips: the same training loop runs unchanged in float32. */
  public static DynamicLossScaler disabled() {
    return new DynamicLossScaler(false, 1f, Integer.MAX_VALUE);
  }

  /** The right scaler for a model's precision. */
  public static DynamicLossScaler forModel(LlamaModel model) {
    return model.options().baseType() == DataType.FLOAT16 ? forFloat16() : disabled();
  }

  /** loss × scale, for backward. */
  public NDArray scale(NDArray loss) {
    return enabled ? loss.mul(scale) : loss;
  }

  /**
   * Divides the gradients of {@code parameters} by the scale in place and reports whether the step
   * may be taken (all finite). Updates the scale either way; on false the caller skips the
   * optimizer step.
   */
  public boolean unscaleAndCheck(List<Parameter> parameters) {
    if (!enabled) {
      return true;
    }
    boolean finite = true;
    for (Parameter p : parameters) {
      NDArray grad = p.getArray().getGradient();
      grad.divi(scale);
      if (grad.isInfinite().any().getBoolean() || grad.isNaN().any().getBoolean()) {
        finite = false;
      }
    }
    if (finite) {
      goodSteps++;
      if (goodSteps >= growthInterval) {
        scale *= 2;
        goodSteps = 0;
      }
    } else {
      scale = Math.max(1f, scale / 2);
      goodSteps = 0;
    }
    return finite;
  }

  public float currentScale() {
    return scale;
  }
}
