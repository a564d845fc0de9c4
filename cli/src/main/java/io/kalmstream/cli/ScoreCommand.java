package io.kalmstream.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "score", mixinStandardHelpOptions = true, description = "Run the Kafka Streams scorer: link prediction, live metrics, drift alerts, dashboard endpoints.")
final class ScoreCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return NotYetAvailable.report("score", "the scorer issue");
  }
}
