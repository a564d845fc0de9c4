package io.kalmstream.trainer;

import io.kalmstream.model.LoraConfig;
import io.kalmstream.trainer.optim.AdamW;
import io.kalmstream.trainer.optim.LearningRateSchedule;

/**
 * Every hyper-parameter of a KaLM training run. {@link #kalmDefaults()} holds the defaults
 * (DESIGN.md's method, with the throughput and schedule choices documented on each field); {@link
 * #toBuilder()} changes one field without restating the others, and the record's constructor
 * validates every combination.
 *
 * @param margin γ, subtracted from the positive pair's cosine
 * @param initialTau τ at the start of training
 * @param minTau lower clamp of τ
 * @param maxTau upper clamp of τ
 * @param lambda weight of the instruction loss in L = L_exp + λ·L_imp
 * @param falseNegativeMask whether the batch's false negatives are masked out of the softmax
 * @param optimizer AdamW's β, ε and decoupled weight decay
 * @param learningRate peak learning rate; 0 picks it from the model's size ({@link
 *     LearningRateRule})
 * @param warmupSteps linear warmup length
 * @param horizonSteps step at which the cosine reaches the floor; 0 keeps the peak rate after the
 *     warmup, for a stream that has no end
 * @param floorRatio the floor as a fraction of the peak learning rate
 * @param maxGradNorm global gradient-norm clip
 * @param embeddingChunk pairs embedded per forward pass; smaller than the contrastive batch turns
 *     on the two-pass (GradCache) accumulation, 0 means the whole batch at once
 * @param maxPartTokens DESIGN.md's cut of each part of a view (D_h, D_r, D_t) in the model's
 *     tokens, applied by the trainer to the descriptions a pair carries; 0 embeds the views exactly
 *     as the batch sent them
 * @param maxTextTokens safety cut of each whole D_hr and D_t token sequence (never reached with the
 *     part cut)
 * @param lengthBuckets how many length groups a contrastive batch's texts are embedded in: rows of
 *     similar length share a forward pass, so little of it goes to padding (1: one pass per view)
 * @param maxInstructionTokens token cut of each prompt + response sequence
 * @param sharedPrefix whether an instruction batch runs the tokens its sequences share (the Alpaca
 *     preamble and instruction) once instead of once per example
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
    int maxPartTokens,
    int maxTextTokens,
    int lengthBuckets,
    int maxInstructionTokens,
    boolean sharedPrefix,
    double instructionRatio,
    LoraConfig lora,
    long seed) {

  public TrainerSettings {
    if (lambda < 0 || instructionRatio < 0 || maxGradNorm <= 0 || embeddingChunk < 0) {
      throw new IllegalArgumentException(
          "lambda, instruction ratio and embedding chunk must be >= 0 and the gradient clip > 0");
    }
    if (maxTextTokens < 2 || maxInstructionTokens < 2 || maxPartTokens < 0) {
      throw new IllegalArgumentException(
          "token limits must be at least 2 (the part cut at least 0)");
    }
    if (lengthBuckets < 1) {
      throw new IllegalArgumentException("length buckets must be >= 1, got " + lengthBuckets);
    }
    if (!(floorRatio >= 0 && floorRatio <= 1)) {
      throw new IllegalArgumentException(
          "the learning-rate floor ratio must be in [0, 1], got " + floorRatio);
    }
    if (!(learningRate >= 0)) {
      throw new IllegalArgumentException(
          "the learning rate must be > 0, or 0 for the model-size rule, got " + learningRate);
    }
    if (warmupSteps < 0 || horizonSteps < 0 || (horizonSteps > 0 && horizonSteps < warmupSteps)) {
      throw new IllegalArgumentException(
          "need warmup >= 0 and a horizon of 0 (constant) or >= the warmup, got "
              + warmupSteps
              + ", "
              + horizonSteps);
    }
  }

  /**
   * The method of DESIGN.md (γ 0.02, τ₀ 0.05 in [0.01, 1], λ 0.1, the false-negative mask, LoRA r 8
   * / α 16 / dropout 0.05 on the feed-forward projections, AdamW with weight decay 0.001, 50-token
   * parts, 256-token instruction sequences) with the schedule of an endless stream: the peak rate
   * from the model's size after a 50-step warmup, kept from then on.
   */
  public static TrainerSettings kalmDefaults() {
    return new TrainerSettings(
        0.02f,
        0.05,
        0.01,
        1.0,
        0.1,
        true,
        AdamW.Settings.kalmDefaults(),
        0,
        50,
        0,
        0.1,
        10.0,
        0,
        50,
        128,
        2,
        256,
        true,
        1.0,
        LoraConfig.kalmDefault(),
        42);
  }

  /** The learning-rate schedule; the peak must have been resolved (see {@link #withModelSize}). */
  public LearningRateSchedule schedule() {
    if (learningRate == 0) {
      throw new IllegalStateException(
          "the learning rate is still 'from the model size': resolve it first");
    }
    long horizon = horizonSteps == 0 ? Long.MAX_VALUE : horizonSteps;
    return new LearningRateSchedule(
        learningRate,
        warmupSteps,
        horizon,
        horizonSteps == 0 ? learningRate : learningRate * floorRatio);
  }

  /**
   * These settings with a learning rate of 0 replaced by {@link LearningRateRule}'s choice for the
   * model.
   */
  public TrainerSettings withModelSize(long parameters) {
    return learningRate > 0
        ? this
        : toBuilder().learningRate(LearningRateRule.peakFor(parameters)).build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return kalmDefaults().toBuilder();
  }

  /** Changes fields one at a time; {@link #build()} validates them together. */
  public static final class Builder {
    private float margin;
    private double initialTau;
    private double minTau;
    private double maxTau;
    private double lambda;
    private boolean falseNegativeMask;
    private AdamW.Settings optimizer;
    private double learningRate;
    private long warmupSteps;
    private long horizonSteps;
    private double floorRatio;
    private double maxGradNorm;
    private int embeddingChunk;
    private int maxPartTokens;
    private int maxTextTokens;
    private int lengthBuckets;
    private int maxInstructionTokens;
    private boolean sharedPrefix;
    private double instructionRatio;
    private LoraConfig lora;
    private long seed;

    private Builder(TrainerSettings s) {
      margin = s.margin;
      initialTau = s.initialTau;
      minTau = s.minTau;
      maxTau = s.maxTau;
      lambda = s.lambda;
      falseNegativeMask = s.falseNegativeMask;
      optimizer = s.optimizer;
      learningRate = s.learningRate;
      warmupSteps = s.warmupSteps;
      horizonSteps = s.horizonSteps;
      floorRatio = s.floorRatio;
      maxGradNorm = s.maxGradNorm;
      embeddingChunk = s.embeddingChunk;
      maxPartTokens = s.maxPartTokens;
      maxTextTokens = s.maxTextTokens;
      lengthBuckets = s.lengthBuckets;
      maxInstructionTokens = s.maxInstructionTokens;
      sharedPrefix = s.sharedPrefix;
      instructionRatio = s.instructionRatio;
      lora = s.lora;
      seed = s.seed;
    }

    public Builder margin(float v) {
      margin = v;
      return this;
    }

    public Builder initialTau(double v) {
      initialTau = v;
      return this;
    }

    public Builder minTau(double v) {
      minTau = v;
      return this;
    }

    public Builder maxTau(double v) {
      maxTau = v;
      return this;
    }

    public Builder lambda(double v) {
      lambda = v;
      return this;
    }

    public Builder falseNegativeMask(boolean v) {
      falseNegativeMask = v;
      return this;
    }

    public Builder optimizer(AdamW.Settings v) {
      optimizer = v;
      return this;
    }

    /** The optimizer's decoupled weight decay, its β and ε kept. */
    public Builder weightDecay(double v) {
      optimizer = optimizer.withWeightDecay(v);
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder warmupSteps(long v) {
      warmupSteps = v;
      return this;
    }

    public Builder horizonSteps(long v) {
      horizonSteps = v;
      return this;
    }

    public Builder floorRatio(double v) {
      floorRatio = v;
      return this;
    }

    public Builder maxGradNorm(double v) {
      maxGradNorm = v;
      return this;
    }

    public Builder embeddingChunk(int v) {
      embeddingChunk = v;
      return this;
    }

    public Builder maxPartTokens(int v) {
      maxPartTokens = v;
      return this;
    }

    public Builder maxTextTokens(int v) {
      maxTextTokens = v;
      return this;
    }

    public Builder lengthBuckets(int v) {
      lengthBuckets = v;
      return this;
    }

    public Builder maxInstructionTokens(int v) {
      maxInstructionTokens = v;
      return this;
    }

    public Builder sharedPrefix(boolean v) {
      sharedPrefix = v;
      return this;
    }

    public Builder instructionRatio(double v) {
      instructionRatio = v;
      return this;
    }

    public Builder lora(LoraConfig v) {
      lora = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public TrainerSettings build() {
      return new TrainerSettings(
          margin,
          initialTau,
          minTau,
          maxTau,
          lambda,
          falseNegativeMask,
          optimizer,
          learningRate,
          warmupSteps,
          horizonSteps,
          floorRatio,
          maxGradNorm,
          embeddingChunk,
          maxPartTokens,
          maxTextTokens,
          lengthBuckets,
          maxInstructionTokens,
          sharedPrefix,
          instructionRatio,
          lora,
          seed);
    }
  }
}
