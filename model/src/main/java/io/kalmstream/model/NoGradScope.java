package io.kalmstream.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's autograd off for the current thread until closed, then restores what was there.
 * Grad mode is per thread in PyTorch and on by default in a new thread, so an in-place update of a
 * leaf that requires grad (an optimizer step) must run inside one of these wherever the training
 * thread came from.
 */
public final class NoGradScope implements AutoCloseable {
  private final boolean previous;

  public NoGradScope() {
    Engine.getEngine("PyTorch");
    previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previous);
  }
}
