package io.kalmstream.cli;

import io.kalmstream.cli.load.LoadSlice;
import picocli.CommandLine.Option;

/**
 * What slice of a dataset a load streams, and how fast: shared by {@code kalm load} and {@code kalm
 * local}, which have different defaults (a full dataset at a producer's pace, or a slice sized for
 * one laptop).
 */
final class LoadOptions {
  @Option(
      names = "--rate",
      paramLabel = "N/s",
      converter = Rate.Converter.class,
      description =
          "Pace of the training triples: N/s, N/min, or max. Default: $KALM_LOAD_RATE, else 50/s "
              + "(kalm load) or 10/s (kalm local).")
  Rate rate;

  @Option(
      names = "--train-limit",
      paramLabel = "N",
      description =
          "Stream only the first N training triples; -1 for all. Default: all (kalm load), 1000 (kalm local).")
  Integer trainLimit;

  @Option(
      names = "--eval-limit",
      paramLabel = "N",
      description =
          "Send only the first N test triples to the eval topic; -1 for all. Default: all (kalm load), "
              + "100 (kalm local).")
  Integer evalLimit;

  @Option(
      names = "--queries",
      paramLabel = "N",
      description =
          "Send a sample of N test triples as link-prediction queries, spread through the stream. "
              + "Default: 200 (kalm load), 60 (kalm local).")
  Integer queries;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "7",
      description = "Seed of the query sample.")
  long seed;

  @Option(
      names = "--entities",
      paramLabel = "all|referenced",
      description =
          "Produce every entity description, or only those the streamed triples name (smaller index, "
              + "faster model swaps). Default: all (kalm load), referenced (kalm local).")
  LoadSlice.EntityScope entities;

  @Option(
      names = "--slice",
      paramLabel = "head|neighbourhood",
      description =
          "head: the first triples of train.tsv and test.tsv; neighbourhood: a connected part of the "
              + "training graph with held-out triples taken from inside it, so each names only entities the streamed "
              + "triples describe. Default: head (kalm load), neighbourhood (kalm local).")
  LoadSlice.Selection selection;

  /** The rate asked for, else $KALM_LOAD_RATE, else {@code fallback}. */
  Rate rate(Rate fallback) {
    if (rate != null) {
      return rate;
    }
    String env = System.getenv("KALM_LOAD_RATE");
    return env == null || env.isBlank() ? fallback : Rate.parse(env);
  }

  /** The slice asked for, each part missing from the command line taken from {@code fallback}. */
  LoadSlice slice(LoadSlice fallback) {
    return new LoadSlice(
        trainLimit != null ? trainLimit : fallback.trainLimit(),
        evalLimit != null ? evalLimit : fallback.evalLimit(),
        queries != null ? queries : fallback.queries(),
        seed,
        entities != null ? entities : fallback.entities(),
        selection != null ? selection : fallback.selection());
  }
}
