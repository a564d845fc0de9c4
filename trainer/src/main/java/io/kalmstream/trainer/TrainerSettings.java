package io.kalmstream.trainer;

import io.kalmstream.model.LoraConfig;
import io.kalmstream.trainer.optim.AdamW;
import io.kalmstream.trainer.optim.LearningRateSchedule;

/**
 * Every hyper-parameter of a KaLM training run. {@link #kalmDefaults()} holds the values of DESIGN.md (from
 * the KaLM paper and the SimKGC code); the CLI overrides each one.
 *
 * @param margin γ, subtracted from the positive pair's cosine
 * @param initialTau τ at the start of training
 * @param minTau lower clamp of τ
 * @param maxTau upper clamp of τ
 * @param lambda weight of the instruction loss in L = L_exp + λ·L_imp
 * @param falseNegativeMask whether the batch's false negatives are masked out of the softmax
 * @param optimizer AdamW's β, ε and decoupled weight decay
 * @param learningRate peak learning rate
 * @param warmupSteps linear warmup length
 * @param horizonSteps step at which the cosine reaches the floor
 * @param floorRatio the floor as a fraction of the peak learning rate
 * @param maxGradNorm global gradient-norm clip
 * @param embeddingChunk pairs embedded per forward pass; smaller than the contrastive batch turns on the
 *     two-pass (GradCache) accumulation, 0 means the whole batch at once
 * @param maxTextTokens token cut of each D_hr and D_t text when embedding
 * @param maxInstructionTokens token cut of each prompt + response sequence
 * @param instructionRatio instruction batches per contrastive batch (may be fractional, e.g. 0.5)
 * @param lora the adapter trained
 * @param seed seeds the adapter's initialisation and the dropout masks of each step
 */
public record TrainerSettings(
    float margin,
    double initialTau,
    double minTau,
    double maxTau,
    double lambda,
    boolean falseNegativeMask,
    AdamW.Settings optimizer,
    double learningRate,
    long warmupSteps,
    long horizonSteps,
    double floorRatio,
    double maxGradNorm,
    int embeddingChunk,
    int maxTextTokens,
    int maxInstructionTokens,
    double instructionRatio,
    LoraConfig lora,
    long seed) {

  public TrainerSettings {
    if (lambda < 0 || instructionRatio < 0 || maxGradNorm <= 0 || embeddingChunk < 0) {
      throw new IllegalArgumentException("lambda, instruction ratio and embedding chunk must be >= 0 and the gradient clip > 0");
    }
    if (maxTextTokens < 2 || maxInstructionTokens < 2) {
      throw new IllegalArgumentException("token limits must be at least 2");
    }
    if (!(floorRatio >= 0 && floorRatio <= 1)) {
      throw new IllegalArgumentException("the learning-rate floor ratio must be in [0, 1], got " + floorRatio);
    }
    schedule(learningRate, warmupSteps, horizonSteps, floorRatio); // validates
  }

  public static TrainerSettings kalmDefaults() {
    return new TrainerSettings(0.02f, 0.05, 0.01, 1.0, 0.1, true, AdamW.Settings.kalmDefaults(), 1e-4, 100, 20_000,
        0.1, 10.0, 0, 128, 256, 1.0, LoraConfig.kalmDefault(), 42);
  }

  public LearningRateSchedule schedule() {
    return schedule(learningRate, warmupSteps, horizonSteps, floorRatio);
  }

  private static LearningRateSchedule schedule(double lr, long warmup, long horizon, double floorRatio) {
    return new LearningRateSchedule(lr, warmup, Math.max(horizon, warmup), lr * floorRatio);
  }
}
