package io.kalmstream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the default model and dataset directories: the {@code shared/} folder that sits beside a
 * checkout ({@code ../shared}). Looked up, in order, from KALM_SHARED_DIR, -Dkalm.shared.dir, the
 * checkout that ./kalm runs from (-Dkalm.home), and the working directory.
 */
final class SharedResources {
  static final String DEFAULT_MODEL = "models/stories260K-hf";
  static final String DEFAULT_DATASET = "datasets/wn18rr";

  private SharedResources() {}

  static Path defaultModelDir() {
    return resolve(
        DEFAULT_MODEL,
        "--model DIR (a Hugging Face model directory with config.json, "
            + "model.safetensors and tokenizer.json)");
  }

  static Path defaultDatasetDir() {
    return resolve(
        DEFAULT_DATASET,
        "--dataset DIR (a KG-BERT-layout directory with train.tsv, dev.tsv, "
            + "test.tsv, entity2text.txt and relation2text.txt)");
  }

  /**
   * The first candidate shared directory holding {@code relative}, or a clear error naming the
   * option to pass.
   */
  static Path resolve(String relative, String optionHint) {
    List<Path> tried = new ArrayList<>();
    for (Path shared : candidateSharedDirs()) {
      Path candidate = shared.resolve(relative).normalize();
      tried.add(candidate);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "No default found for "
            + relative
            + " (looked in "
            + tried
            + "). Pass "
            + optionHint
            + ", or set KALM_SHARED_DIR.");
  }

  private static List<Path> candidateSharedDirs() {
    List<Path> dirs = new ArrayList<>();
    Optional.ofNullable(System.getenv("KALM_SHARED_DIR")).map(Path::of).ifPresent(dirs::add);
    Optional.ofNullable(System.getProperty("kalm.shared.dir")).map(Path::of).ifPresent(dirs::add);
    Optional.ofNullable(System.getProperty("kalm.home"))
        .map(h -> Path.of(h).resolve("../shared"))
        .ifPresent(dirs::add);
    dirs.add(Path.of("").toAbsolutePath().resolve("../shared"));
    dirs.add(Path.of("").toAbsolutePath().resolve("shared"));
    return dirs;
  }
}
