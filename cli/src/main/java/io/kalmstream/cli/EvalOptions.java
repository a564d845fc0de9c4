package io.kalmstream.cli;

import io.kalmstream.embedded.CacheDirectory;
import io.kalmstream.trainer.eval.EvaluationSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a split is ranked: shared by {@code kalm eval} and {@code kalm bench kgc}. */
final class EvalOptions {
  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Rank a seeded sample of N triples of the split instead of all of them (default: all).")
  int limit;

  @Option(
      names = "--sample-seed",
      paramLabel = "SEED",
      defaultValue = "42",
      description = "Seed of the --limit sample (default: ${DEFAULT-VALUE}).")
  long sampleSeed;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      defaultValue = "${env:KALM_EMBEDDING_CACHE}",
      description =
          "Entity-embedding cache, keyed by model, adapter and text hashes. "
              + "Default: $KALM_EMBEDDING_CACHE, else $KALM_CACHE_DIR/embeddings, else ~/.cache/kalm/embeddings.")
  Path cacheDir;

  @Option(names = "--no-cache", description = "Embed every entity again and write no cache file.")
  boolean noCache;

  EvaluationSettings settings(String split, int maxTextTokens) {
    Path cache =
        noCache ? null : cacheDir != null ? cacheDir : CacheDirectory.root().resolve("embeddings");
    return new EvaluationSettings(split, limit, sampleSeed, maxTextTokens, cache);
  }
}
