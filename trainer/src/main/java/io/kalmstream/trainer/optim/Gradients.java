package io.kalmstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;

/** Operations on the gradients that autograd accumulated into a set of parameters. */
public final class Gradients {

  private static final NDIndex ALL = new NDIndex("...");

  private Gradients() {}

  /** sqrt(Σ_p ‖∂L/∂p‖²) over all parameters. */
  public static double globalNorm(List<TrainableParameter> parameters) {
    double squares = 0;
    for (TrainableParameter parameter : parameters) {
      try (NDArray gradient = parameter.value().getGradient();
          NDArray square = gradient.square().sum()) {
        squares += square.getFloat();
      }
    }
    return Math.sqrt(squares);
  }

  /**
   * Scales every gradient so that the global norm is at most {@code maxNorm} (as torch's
   * clip_grad_norm_).
   *
   * @return the global norm before clipping
   */
  public static double clipByGlobalNorm(List<TrainableParameter> parameters, double maxNorm) {
    double norm = globalNorm(parameters);
    if (Double.isFinite(norm) && norm > maxNorm) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (TrainableParameter parameter : parameters) {
        try (NDArray gradient = parameter.value().getGradient()) {
          gradient.muli(scale);
        }
      }
    }
    return norm;
  }

  /**
   * Autograd adds into the gradients; they are reset after each optimizer step. Also clears NaN/∞.
   */
  public static void zero(List<TrainableParameter> parameters) {
    for (TrainableParameter parameter : parameters) {
      try (NDArray gradient = parameter.value().getGradient()) {
        gradient.set(ALL, 0f);
      }
    }
  }
}
