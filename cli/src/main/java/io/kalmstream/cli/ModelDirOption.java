package io.kalmstream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model DIR}: a Hugging Face model directory, defaulting to
 * ../shared/models/stories260K-hf.
 */
final class ModelDirOption {
  @Option(
      names = "--model",
      paramLabel = "DIR",
      defaultValue = "${env:KALM_MODEL}",
      description =
          "Hugging Face model directory (config.json, model.safetensors or an index, tokenizer.json). "
              + "Default: $KALM_MODEL, else ../shared/"
              + SharedResources.DEFAULT_MODEL
              + ".")
  Path model;

  /**
   * The model directory to use; an explicit one must hold a config.json, else a clear error names
   * it.
   */
  Path modelDir() {
    if (model == null) {
      return SharedResources.defaultModelDir();
    }
    if (!Files.isRegularFile(model.resolve("config.json"))) {
      throw new IllegalArgumentException(
          model + " is not a Hugging Face model directory (no config.json)");
    }
    return model;
  }
}
