package io.kalmstream.trainer.optim;

/**
 * Linear warmup, then a half cosine from the peak down to a floor over a horizon, then the floor
 * for as long as the stream runs. A finite run sets the horizon to its length; an endless stream
 * picks a horizon after which it keeps learning from new facts at the floor rate.
 *
 * <pre>
 *   step < warmup:              lr = peak · (step + 1) / warmup
 *   warmup ≤ step < horizon:    lr = floor + (peak − floor) · (1 + cos(π · (step − warmup) / (horizon − warmup))) / 2
 *   step ≥ horizon:             lr = floor
 * </pre>
 */
public record LearningRateSchedule(double peak, long warmupSteps, long horizonSteps, double floor) {

  public LearningRateSchedule {
    if (peak <= 0 || floor < 0 || floor > peak) {
      throw new IllegalArgumentException(
          "need 0 <= floor <= peak and peak > 0, got peak " + peak + ", floor " + floor);
    }
    if (warmupSteps < 0 || horizonSteps < warmupSteps) {
      throw new IllegalArgumentException(
          "need 0 <= warmup <= horizon, got " + warmupSteps + ", " + horizonSteps);
    }
  }

  /** The learning rate of the update with zero-based index {@code step}. */
  public double at(long step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    if (step >= horizonSteps) {
      return floor;
    }
    double progress = (double) (step - warmupSteps) / (horizonSteps - warmupSteps);
    return floor + (peak - floor) * (1 + Math.cos(Math.PI * progress)) / 2;
  }
}
