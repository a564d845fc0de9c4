package io.kalmstream.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate link prediction (filtered MR, MRR, Hits@k) on a dataset split.")
final class EvalCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return NotYetAvailable.report("eval", "the benchmark issue");
  }
}
