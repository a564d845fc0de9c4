package io.kalmstream.trainer.eval;

import java.nio.file.Path;

/**
 * How {@code kalm eval} ranks a split.
 *
 * @param split train, dev or test
 * @param limit rank a seeded sample of this many triples of the split (0: all of them)
 * @param seed draws the sample
 * @param maxTokens token cut of each query and entity text, as in training ({@code
 *     --max-text-tokens})
 * @param cacheDir where entity embeddings are cached; null turns the cache off
 */
public record EvaluationSettings(String split, int limit, long seed, int maxTokens, Path cacheDir) {

  /** The trainer's default token cut of D_hr and D_t texts. */
  public static final int DEFAULT_MAX_TOKENS = 128;

  public EvaluationSettings {
    if (limit < 0 || maxTokens < 2) {
      throw new IllegalArgumentException("limit must be >= 0 and maxTokens >= 2");
    }
  }
}
