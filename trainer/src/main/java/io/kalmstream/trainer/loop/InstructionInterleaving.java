package io.kalmstream.trainer.loop;

/**
 * How many instruction batches go with each contrastive batch, for a ratio that may be fractional:
 * a ratio of 0.5 adds one instruction batch every second step, 2 adds two per step. The fractional
 * remainder is carried in a credit that is checkpointed, so a resumed run interleaves exactly like
 * an uninterrupted one.
 */
public final class InstructionInterleaving {

  private static final double EPSILON = 1e-9;

  private final double ratio;
  private double credit;

  public InstructionInterleaving(double ratio, double credit) {
    if (ratio < 0) {
      throw new IllegalArgumentException("instruction ratio must be >= 0, got " + ratio);
    }
    this.ratio = ratio;
    this.credit = credit;
  }

  /** Instruction batches due with the next contrastive batch. */
  public int dueWithContrastive() {
    return (int) Math.floor(credit + ratio + EPSILON);
  }

  /**
   * Records a step that had a contrastive batch, was due {@code due} instruction batches and got
   * {@code taken}. When the instruction topic ran dry the missing batches are forgiven (only the
   * fraction is carried), so an idle topic does not make later steps take a burst of instruction
   * batches.
   */
  public void contrastiveStep(int due, int taken) {
    credit = credit + ratio - taken;
    if (taken < due) {
      credit -= Math.floor(credit + EPSILON);
    }
    credit = Math.max(0, credit);
  }

  /**
   * Instruction batches for a step without a contrastive batch: at least one, so training goes on.
   */
  public int dueAlone() {
    return Math.max(1, (int) Math.ceil(ratio - EPSILON));
  }

  public double credit() {
    return credit;
  }

  public boolean enabled() {
    return ratio > 0;
  }
}
