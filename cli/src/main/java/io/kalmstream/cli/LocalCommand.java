package io.kalmstream.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "local", mixinStandardHelpOptions = true, description = "Run the whole pipeline on one machine: embedded broker and registry, ingest, trainer, scorer, dashboard and loader.")
final class LocalCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return NotYetAvailable.report("local", "the kalm local issue");
  }
}
