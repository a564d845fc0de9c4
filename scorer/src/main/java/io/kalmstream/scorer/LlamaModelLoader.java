package io.kalmstream.scorer;

import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.LlamaTextEmbedder;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.model.TextEmbedder;
import java.nio.file.Path;

/**
 * Loads the DJL Llama model from a Hugging Face directory, with a checkpoint's PEFT adapter on top.
 * Each version gets its own copy of the base weights, so the version being replaced keeps answering
 * while the new one is embedding the entities.
 */
public final class LlamaModelLoader implements ModelLoader {
  /** D_hr holds two texts of at most 50 words each plus punctuation. */
  public static final int DEFAULT_MAX_TOKENS = 160;

  private final Path baseDir;
  private final ModelOptions options;
  private final int maxTokens;

  public LlamaModelLoader(Path baseDir, ModelOptions options, int maxTokens) {
    this.baseDir = baseDir;
    this.options = options;
    this.maxTokens = maxTokens;
  }

  @Override
  public TextEmbedder loadBase() {
    return embedder(LlamaModel.load(baseDir, options));
  }

  @Override
  public TextEmbedder loadWithAdapter(Path adapterDir) {
    return embedder(LlamaModel.load(baseDir, adapterDir, options));
  }

  private TextEmbedder embedder(LlamaModel model) {
    return new LlamaTextEmbedder(
        model, maxTokens, Math.max(maxTokens, LlamaTextEmbedder.DEFAULT_TOKEN_BUDGET), true);
  }
}
