package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotated keys and values of the tokens decoded so far, per layer, each [1, KV, 1, P, D], for
 * {@link LlamaDecoder#forwardCached}. It owns its arrays (in its own manager): each step replaces a
 * layer's entries and frees the previous ones, so a step's scratch manager can be closed right
 * after the step.
 */
public final class KvCache implements AutoCloseable {

  private final LlamaConfig config;
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int length;

  public KvCache(LlamaConfig config, NDManager parent) {
    this.config = config;
    this.manager = parent.newSubManager();
    this.keys = new NDArray[config.numLayers()];
    this.values = new NDArray[config.numLayers()];
  }

  /** Number of positions cached, P. */
  public int length() {
    return length;
  }

  NDArray keys(int layer, NDManager scratch, DataType type) {
    return keys[layer] != null ? keys[layer] : empty(scratch, type);
  }

  NDArray values(int layer, NDManager scratch, DataType type) {
    return values[layer] != null ? values[layer] : empty(scratch, type);
  }

  private NDArray empty(NDManager scratch, DataType type) {
    return scratch.zeros(new Shape(1, config.numKvHeads(), 1, 0, config.headDim()), type);
  }

  void set(int layer, NDArray newKeys, NDArray newValues) {
    replace(keys, layer, newKeys);
    replace(values, layer, newValues);
  }

  private void replace(NDArray[] slots, int layer, NDArray array) {
    NDArray old = slots[layer];
    array.attach(manager);
    slots[layer] = array;
    if (old != null) {
      old.close();
    }
  }

  void advance(int positions) {
    length += positions;
  }

  @Override
  public void close() {
    manager.close();
  }
}
