package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Type conversion that autograd can see through. DJL's {@code NDArray.toType} runs PyTorch's {@code
 * to()} under a no-grad guard, so a cast inside a training forward silently cuts the graph
 * (backward then fails with "does not require grad"). An in-place add into a zero array of the
 * target type is recorded by autograd, and its backward converts the gradient back to the source
 * type.
 */
public final class Casts {

  private Casts() {}

  /** {@code x} itself when it already has {@code type}, else a differentiable copy of that type. */
  public static NDArray to(NDArray x, DataType type) {
    if (x.getDataType() == type) {
      return x;
    }
    return x.getManager().zeros(x.getShape(), type, x.getDevice()).addi(x);
  }
}
