package io.kalmstream.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --dataset DIR}: a KG-BERT-layout dataset, defaulting to ../shared/datasets/wn18rr. */
final class DatasetDirOption {
  @Option(
      names = "--dataset",
      paramLabel = "DIR",
      defaultValue = "${env:KALM_DATASET}",
      description =
          "KG-BERT-layout dataset directory (train/dev/test.tsv, entity2text.txt, relation2text.txt). "
              + "Default: $KALM_DATASET, else ../shared/"
              + SharedResources.DEFAULT_DATASET
              + ".")
  Path dataset;

  Path datasetDir() {
    return dataset != null ? dataset : SharedResources.defaultDatasetDir();
  }
}
