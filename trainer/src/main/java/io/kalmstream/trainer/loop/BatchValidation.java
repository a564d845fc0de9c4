package io.kalmstream.trainer.loop;

import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.InstructionExample;
import java.util.List;
import java.util.Optional;

/**
 * Why a decoded batch cannot be trained on; such batches go to the dead-letter topic with this
 * reason.
 */
public final class BatchValidation {

  private BatchValidation() {}

  public static Optional<String> problem(ContrastiveBatch batch) {
    int n = batch.getPairs().size();
    if (n < 2) {
      return Optional.of(
          "contrastive batch "
              + batch.getBatchId()
              + " has "
              + n
              + " pair(s); in-batch negatives need at least 2");
    }
    List<List<Integer>> falseNegatives = batch.getFalseNegatives();
    if (falseNegatives.size() != n) {
      return Optional.of(
          "contrastive batch "
              + batch.getBatchId()
              + " has "
              + falseNegatives.size()
              + " false-negative rows for "
              + n
              + " pairs");
    }
    for (int i = 0; i < n; i++) {
      for (int j : falseNegatives.get(i)) {
        if (j < 0 || j >= n) {
          return Optional.of(
              "contrastive batch "
                  + batch.getBatchId()
                  + " masks column "
                  + j
                  + " of row "
                  + i
                  + ", outside the batch of "
                  + n);
        }
      }
      if (batch.getPairs().get(i).getHeadRelationText().isBlank()
          || batch.getPairs().get(i).getTailText().isBlank()) {
        return Optional.of(
            "contrastive batch " + batch.getBatchId() + " pair " + i + " has an empty text");
      }
    }
    return Optional.empty();
  }

  public static Optional<String> problem(InstructionBatch batch) {
    if (batch.getExamples().isEmpty()) {
      return Optional.of("instruction batch " + batch.getBatchId() + " has no examples");
    }
    for (InstructionExample example : batch.getExamples()) {
      if (example.getResponse().isBlank()) {
        return Optional.of(
            "instruction batch " + batch.getBatchId() + " has an example with an empty response");
      }
    }
    return Optional.empty();
  }
}
