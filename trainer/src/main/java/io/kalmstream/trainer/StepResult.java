package io.kalmstream.trainer;

/**
 * What one optimizer step did.
 *
 * @param step the step's zero-based index (the model after it has {@code step + 1} updates)
 * @param contrastiveLoss L_exp, NaN when the step had no contrastive batch
 * @param instructionLoss L_imp, NaN when the step had no instruction batch
 * @param loss L_exp + λ·L_imp over the parts present
 * @param tau the temperature after the update
 * @param learningRate the rate the update used
 * @param gradientNorm the global gradient norm before clipping
 * @param pairs contrastive pairs trained on
 * @param tokens real (non-padding) tokens of the sequences trained on, both objectives
 * @param flops matrix-multiply FLOPs of forward and backward over those tokens, each sequence
 *     counted on its own ({@link io.kalmstream.model.ModelFlops}): what the step's arithmetic costs
 *     without padding or sharing
 * @param seconds wall time of the step
 */
public record StepResult(
    long step,
    double contrastiveLoss,
    double instructionLoss,
    double loss,
    double tau,
    double learningRate,
    double gradientNorm,
    int pairs,
    long tokens,
    double flops,
    double seconds) {}
