package io.kalmstream.trainer.optim;

import ai.djl.ndarray.NDArray;

/**
 * A tensor the optimizer updates in place, under the name its moments are checkpointed with.
 *
 * @param decayed whether decoupled weight decay applies; off for the temperature, where shrinking
 *     log(1/τ) towards 0 (τ → 1) would be a bias, not a regulariser
 */
public record TrainableParameter(String name, NDArray value, boolean decayed) {}
