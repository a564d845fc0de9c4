package io.kalmstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), the same update as torch.optim.AdamW:
 *
 * <pre>
 *   p ← p · (1 − lr·λ)                         (decayed parameters only)
 *   m ← β₁·m + (1 − β₁)·g        v ← β₂·v + (1 − β₂)·g²
 *   p ← p − lr · (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ)) + ε)
 * </pre>
 *
 * Written here rather than taken from DJL so that the moments can be saved with a checkpoint and
 * restored exactly on resume.
 */
public final class AdamW implements AutoCloseable {

  public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {
    public static Settings kalmDefaults() {
      return new Settings(0.9, 0.999, 1e-8, 0.001);
    }

    /** These settings with another decoupled weight decay. */
    public Settings withWeightDecay(double decay) {
      return new Settings(beta1, beta2, epsilon, decay);
    }
  }

  private static final String FIRST_MOMENT = "exp_avg.";
  private static final String SECOND_MOMENT = "exp_avg_sq.";

  private final Settings settings;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private long updates;

  public AdamW(Settings settings) {
    this.settings = settings;
  }

  /**
   * Applies one update with the gradients accumulated in {@code parameters}, at learning rate
   * {@code lr}.
   */
  public void update(List<TrainableParameter> parameters, double lr) {
    updates++;
    float firstCorrection = (float) (1 - Math.pow(settings.beta1(), updates));
    float secondCorrection = (float) (1 - Math.pow(settings.beta2(), updates));
    for (TrainableParameter parameter : parameters) {
      NDArray value = parameter.value();
      NDArray m = firstMoments.computeIfAbsent(parameter.name(), name -> value.zerosLike());
      NDArray v = secondMoments.computeIfAbsent(parameter.name(), name -> value.zerosLike());
      try (NDScope ignored = new NDScope()) {
        NDArray gradient = value.getGradient();
        m.muli((float) settings.beta1()).addi(gradient.mul((float) (1 - settings.beta1())));
        v.muli((float) settings.beta2())
            .addi(gradient.square().mul((float) (1 - settings.beta2())));
        if (parameter.decayed()) {
          value.muli((float) (1 - lr * settings.weightDecay()));
        }
        NDArray denominator = v.div(secondCorrection).sqrt().add((float) settings.epsilon());
        value.subi(m.div(firstCorrection).div(denominator).mul((float) lr));
      }
    }
  }

  /** Number of updates applied so far (t in the bias corrections). */
  public long updates() {
    return updates;
  }

  /**
   * The moments under PyTorch's names ({@code exp_avg.<param>}, {@code exp_avg_sq.<param>}), for a
   * checkpoint.
   */
  public NDList state() {
    NDList state = new NDList();
    firstMoments.forEach((name, m) -> state.add(named(m, FIRST_MOMENT + name)));
    secondMoments.forEach((name, v) -> state.add(named(v, SECOND_MOMENT + name)));
    return state;
  }

  /**
   * Restores the moments written by {@link #state()} and the update count, replacing any current
   * state.
   */
  public void restore(NDList state, long updateCount) {
    close();
    for (NDArray array : state) {
      String name = array.getName();
      if (name.startsWith(FIRST_MOMENT)) {
        firstMoments.put(name.substring(FIRST_MOMENT.length()), array);
      } else if (name.startsWith(SECOND_MOMENT)) {
        secondMoments.put(name.substring(SECOND_MOMENT.length()), array);
      } else {
        throw new IllegalArgumentException("not an AdamW moment: " + name);
      }
    }
    updates = updateCount;
  }

  private static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }

  @Override
  public void close() {
    firstMoments.values().forEach(NDArray::close);
    secondMoments.values().forEach(NDArray::close);
    firstMoments.clear();
    secondMoments.clear();
  }
}
