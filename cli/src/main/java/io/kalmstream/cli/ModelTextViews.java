package io.kalmstream.cli;

import io.kalmstream.batching.TextViews;
import io.kalmstream.model.LlamaTokenizer;
import java.nio.file.Path;

/**
 * The KaLM text views cut in a model's own tokens (DESIGN.md: each part to 50 tokens), for the
 * processes that build views from descriptions: the scorer's queries and entity index. The trainer
 * cuts the same way, so a text is embedded as it was trained. Holds the tokenizer open until
 * closed.
 */
public final class ModelTextViews implements AutoCloseable {
  private final LlamaTokenizer tokenizer;
  private final TextViews views;

  public ModelTextViews(Path modelDir) {
    tokenizer = LlamaTokenizer.load(modelDir);
    views = new TextViews(tokenizer::truncate, TextViews.DEFAULT_MAX_TOKENS);
  }

  public TextViews views() {
    return views;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
