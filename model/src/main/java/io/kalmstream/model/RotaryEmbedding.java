package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding in the Hugging Face {@code rotate_half} convention: the head's first
 * and second halves form the (real, imaginary) pairs, {@code x' = x·cos + rotate_half(x)·sin} with
 * {@code rotate_half([x1, x2]) = [−x2, x1]}.
 */
final class RotaryEmbedding {

  private final float[] invFreq;
  private final int headDim;

  RotaryEmbedding(LlamaConfig config) {
    headDim = config.headDim();
    double[] base = new double[headDim / 2];
    for (int i = 0; i < base.length; i++) {
      base[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / headDim);
    }
    double[] scaled = config.ropeScaling().apply(base);
    invFreq = new float[scaled.length];
    for (int i = 0; i < scaled.length; i++) {
      invFreq[i] = (float) scaled[i];
    }
  }

  /**
   * cos and sin tables for positions start..start+length-1, each [length, D], created in {@code
   * manager} (the caller's per-batch manager, so nothing accumulates in the model's) and cast to
   * {@code type}.
   */
  NDList cosSin(NDManager manager, int start, int length, DataType type) {
    NDArray positions =
        manager.arange((float) start, start + length, 1f, DataType.FLOAT32).reshape(length, 1);
    NDArray freqs = positions.mul(manager.create(invFreq, new Shape(1, invFreq.length)));
    NDArray angles = freqs.concat(freqs, 1);
    return new NDList(angles.cos().toType(type, false), angles.sin().toType(type, false));
  }

  /** Rotates x [..., T, D] by the tables cos, sin [T, D]. */
  static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    int last = x.getShape().dimension() - 1;
    NDList halves = x.split(2, last);
    NDArray rotated = halves.get(1).neg().concat(halves.get(0), last);
    return x.mul(cos).add(rotated.mul(sin));
  }

  int headDim() {
    return headDim;
  }
}
