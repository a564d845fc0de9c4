package io.kalmstream.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "load", mixinStandardHelpOptions = true, description = "Produce a KG-BERT-layout dataset to Kafka as a stream.")
final class LoadCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return NotYetAvailable.report("load", "the kalm local issue");
  }
}
