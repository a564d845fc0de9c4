package io.kalmstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print their figures and save them under --out.",
    subcommands = {
      BenchFaultsCommand.class,
      BenchIngestCommand.class,
      BenchKgcCommand.class,
      BenchModelCommand.class,
      BenchLocalCommand.class,
      BenchScorerCommand.class,
      BenchTrainCommand.class
    })
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
