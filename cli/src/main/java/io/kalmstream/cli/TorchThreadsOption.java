package io.kalmstream.cli;

import picocli.CommandLine.Option;

/**
 * {@code --torch-threads N}: the PyTorch intra-op threads of the process, set once by the command.
 */
final class TorchThreadsOption {
  @Option(
      names = "--torch-threads",
      paramLabel = "N",
      defaultValue = "${env:KALM_TORCH_THREADS:-1}",
      description =
          "PyTorch intra-op threads (under kalm local: of the trainer and of the scorer each). "
              + "Default: $KALM_TORCH_THREADS, else ${DEFAULT-VALUE}.")
  int threads;

  /** Sets the engine's threads for this process; call before the first model load. */
  void apply() {
    EngineEnvironment.setEngineThreads(threads);
  }
}
