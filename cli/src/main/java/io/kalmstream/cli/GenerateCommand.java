package io.kalmstream.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "generate", mixinStandardHelpOptions = true, description = "Greedy generation from a Hugging Face model directory; prints only the generated text.")
final class GenerateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return NotYetAvailable.report("generate", "the model issue");
  }
}
