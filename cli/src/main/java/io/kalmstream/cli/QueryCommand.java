package io.kalmstream.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "query", mixinStandardHelpOptions = true, description = "Send a link-prediction query and print the answer.")
final class QueryCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return NotYetAvailable.report("query", "the scorer issue");
  }
}
