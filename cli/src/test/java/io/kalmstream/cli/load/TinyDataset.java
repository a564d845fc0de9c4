package io.kalmstream.cli.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A KG-BERT-layout dataset small enough to check by hand: entities e0..e19, relations r0 and r1, a
 * chain of facts.
 */
final class TinyDataset {
  static final int ENTITIES = 20;
  static final int TRAIN = 12;
  static final int TEST = 6;

  private TinyDataset() {}

  static Path write(Path dir) throws IOException {
    List<String> entities = new ArrayList<>();
    for (int i = 0; i < ENTITIES; i++) {
      entities.add("e" + i + "\tthing " + i + ", the " + i + "th thing of the tiny graph");
    }
    Files.write(dir.resolve("entity2text.txt"), entities);
    Files.write(dir.resolve("relation2text.txt"), List.of("r0\tpoints to", "r1\tis near"));
    Files.write(dir.resolve("train.tsv"), triples(0, TRAIN));
    Files.write(dir.resolve("dev.tsv"), List.of("e0\tr1\te19"));
    Files.write(dir.resolve("test.tsv"), triples(TRAIN, TEST));
    return dir;
  }

  /** Fact i links e_i to e_{i+1} under r_{i mod 2}. */
  private static List<String> triples(int from, int count) {
    List<String> lines = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      lines.add("e" + i + "\tr" + (i % 2) + "\te" + (i + 1));
    }
    return lines;
  }
}
