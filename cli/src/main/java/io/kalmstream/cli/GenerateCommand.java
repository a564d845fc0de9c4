package io.kalmstream.cli;

import io.kalmstream.model.LlamaModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description =
        "Greedy generation from a Hugging Face model directory; prints only the generated text.")
final class GenerateCommand implements Callable<Integer> {

  @Mixin ModelDirOption model;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description = "Optional PEFT LoRA adapter directory.")
  Path adapter;

  @Option(
      names = "--prompt",
      defaultValue = "",
      description = "Text to continue (default: empty, i.e. BOS only).")
  String prompt;

  @Option(
      names = "--max-tokens",
      defaultValue = "256",
      paramLabel = "N",
      description = "New tokens at most (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--stop-id",
      paramLabel = "ID",
      description =
          "Extra token id that ends generation (repeatable; the config's EOS ids always stop).")
  List<Long> stopIds = new ArrayList<>();

  @Override
  public Integer call() {
    if (maxTokens < 0) {
      System.err.println("kalm generate: --max-tokens must be >= 0");
      return 2;
    }
    Path dir;
    try {
      dir = model.modelDir();
    } catch (IllegalArgumentException e) {
      System.err.println("kalm generate: " + e.getMessage());
      return 2;
    }
    try (LlamaModel llama = LlamaModel.load(dir, adapter, EngineEnvironment.modelOptions())) {
      System.out.println(llama.generate(prompt, maxTokens, stopIds));
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("kalm generate: " + e.getMessage());
      return 2;
    }
  }
}
