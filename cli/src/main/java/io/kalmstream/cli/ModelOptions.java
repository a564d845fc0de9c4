package io.kalmstream.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR}: a Hugging Face model directory, defaulting to ../shared/models/stories260K-hf. */
final class ModelOptions {
  @Option(names = "--model", paramLabel = "DIR", defaultValue = "${env:KALM_MODEL}",
      description = "Hugging Face model directory (config.json, model.safetensors or an index, tokenizer.json). "
          + "Default: $KALM_MODEL, else ../shared/" + SharedResources.DEFAULT_MODEL + ".")
  Path model;

  Path modelDir() {
    return model != null ? model : SharedResources.defaultModelDir();
  }
}
