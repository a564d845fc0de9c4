package io.kalmstream.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;

/**
 * Base of this model's blocks. Their weights come from a checkpoint (or, for LoRA, from explicit
 * initialisation), never from DJL's shape-inferring initializers, so "initialised" means "my own
 * parameters hold arrays": each child checks its own when it runs. That keeps DJL's training-mode
 * forward from walking the whole parameter tree at every block.
 */
abstract class CheckpointBlock extends AbstractBlock {

  @Override
  public boolean isInitialized() {
    for (Parameter p : parameters.values()) {
      if (!p.isInitialized()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
    throw new IllegalStateException(
        getClass().getSimpleName()
            + " has parameters without values: load the model with LlamaModel.load(modelDir, options)");
  }
}
