package io.kalmstream.cli;

import io.kalmstream.cli.load.LoadSlice;
import picocli.CommandLine.Option;

/** What slice of a dataset a load streams, and how fast: shared by {@code kalm load} and {@code kalm local}. */
final class LoadOptions {
  @Option(names = "--rate", paramLabel = "N/s", converter = Rate.Converter.class,
      defaultValue = "${env:KALM_LOAD_RATE:-50/s}",
      description = "Pace of the training triples: N/s, N/min, or max. Default: $KALM_LOAD_RATE, else ${DEFAULT-VALUE}.")
  Rate rate;

  @Option(names = "--train-limit", paramLabel = "N", defaultValue = "-1",
      description = "Stream only the first N training triples (default: all).")
  int trainLimit;

  @Option(names = "--eval-limit", paramLabel = "N", defaultValue = "-1",
      description = "Send only the first N test triples to the eval topic (default: all).")
  int evalLimit;

  @Option(names = "--queries", paramLabel = "N", defaultValue = "200",
      description = "Send a sample of N test triples as link-prediction queries, spread through the stream "
          + "(default: ${DEFAULT-VALUE}).")
  int queries;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "7", description = "Seed of the query sample.")
  long seed;

  @Option(names = "--entities", paramLabel = "all|referenced", defaultValue = "all",
      description = "Produce every entity description, or only those the streamed triples name "
          + "(smaller index, faster swaps on a slice). Default: ${DEFAULT-VALUE}.")
  LoadSlice.EntityScope entities;

  LoadSlice slice() {
    return new LoadSlice(trainLimit, evalLimit, queries, seed, entities);
  }
}
