package io.kalmstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kalm} command: one entry point for every part of the pipeline. */
@Command(
    name = "kalm",
    mixinStandardHelpOptions = true,
    version = "kalm-stream 0.1.0",
    description =
        "Streaming KaLM: align a decoder LM with a live knowledge graph on Kafka, Flink and DJL.",
    subcommands = {
      LocalCommand.class,
      IngestCommand.class,
      TrainCommand.class,
      ScoreCommand.class,
      LoadCommand.class,
      RuntimeCommand.class,
      FlinkClusterCommand.class,
      DashboardCommand.class,
      QueryCommand.class,
      EvalCommand.class,
      GenerateCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Kalm implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static CommandLine commandLine() {
    return new CommandLine(new Kalm())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(
            (e, commandLine, parsed) -> {
              // A refused connection or a bad setting is the user's to fix: one line, no stack
              // trace.
              if (e instanceof ConnectionCheck.ConnectionRefused
                  || e instanceof IllegalArgumentException) {
                commandLine
                    .getErr()
                    .println("kalm " + commandLine.getCommandName() + ": " + e.getMessage());
                return e instanceof ConnectionCheck.ConnectionRefused ? 3 : 2;
              }
              throw e;
            });
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
