package io.kalmstream.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The learnable contrastive temperature, stored as log(1/τ) so that the optimizer works on an
 * unconstrained scale and the logits are multiplied by exp(log(1/τ)) (as in SimKGC and KaLM).
 *
 * <p>The clamp to [minTau, maxTau] is a projection applied after each optimizer update rather than
 * a clip inside the forward pass: a clip would zero the gradient at the bounds and freeze τ there
 * for good.
 */
public final class Temperature implements AutoCloseable {

  public static final String PARAMETER_NAME = "log_inv_tau";

  private final NDArray logInverse; // () scalar, requires gradient
  private final double minLogInverse;
  private final double maxLogInverse;

  private Temperature(NDArray logInverse, double minTau, double maxTau) {
    if (!(minTau > 0 && minTau <= maxTau)) {
      throw new IllegalArgumentException(
          "temperature bounds must satisfy 0 < min <= max, got " + minTau + ", " + maxTau);
    }
    this.logInverse = logInverse;
    this.minLogInverse = Math.log(1 / maxTau);
    this.maxLogInverse = Math.log(1 / minTau);
    logInverse.setName(PARAMETER_NAME);
    logInverse.setRequiresGradient(true);
    project();
  }

  /** A temperature initialised at {@code initialTau}, clamped to [minTau, maxTau]. */
  public static Temperature create(
      NDManager manager, double initialTau, double minTau, double maxTau) {
    return new Temperature(manager.create((float) Math.log(1 / initialTau)), minTau, maxTau);
  }

  /** The learnable scalar log(1/τ); the optimizer updates it in place. */
  public NDArray parameter() {
    return logInverse;
  }

  /** 1/τ as a differentiable scalar, to multiply logits with. */
  public NDArray inverse() {
    return logInverse.exp();
  }

  public double tau() {
    return Math.exp(-logInverse.getFloat());
  }

  /** Sets τ (used when resuming from a checkpoint); the bounds still apply. */
  public void setTau(double tau) {
    logInverse.set(new float[] {(float) Math.log(1 / tau)});
    project();
  }

  /** Moves log(1/τ) back inside the bounds; call after every optimizer update. */
  public void project() {
    float value = logInverse.getFloat();
    float clamped = (float) Math.max(minLogInverse, Math.min(maxLogInverse, value));
    if (clamped != value) {
      logInverse.set(new float[] {clamped});
    }
  }

  @Override
  public void close() {
    logInverse.close();
  }
}
