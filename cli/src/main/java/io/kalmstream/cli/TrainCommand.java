package io.kalmstream.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Fine-tune LoRA adapters with the KaLM objective, from Kafka or from a dataset directory.")
final class TrainCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return NotYetAvailable.report("train", "the trainer issue");
  }
}
