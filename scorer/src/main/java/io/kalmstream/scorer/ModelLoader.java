package io.kalmstream.scorer;

import io.kalmstream.model.TextEmbedder;
import java.nio.file.Path;

/**
 * Where the scorer gets its models: the base model, and the base model with a verified PEFT
 * adapter.
 */
public interface ModelLoader {
  TextEmbedder loadBase();

  /**
   * @param adapterDir a checkpoint directory whose files have already been verified
   */
  TextEmbedder loadWithAdapter(Path adapterDir);
}
