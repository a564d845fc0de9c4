package io.kalmstream.batching;

import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.InstructionExample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds instruction batches of M Alpaca examples. */
public final class InstructionBatches {
  private InstructionBatches() {}

  public static InstructionBatch assemble(
      String batchId, List<InstructionExample> examples, Instant createdAt) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("batch " + batchId + " has no examples");
    }
    return InstructionBatch.newBuilder()
        .setBatchId(batchId)
        .setExamples(new ArrayList<>(examples))
        .setCreatedAt(createdAt)
        .build();
  }

  public static InstructionBatch fromPairs(
      String batchId, List<ContrastivePair> pairs, Instant createdAt) {
    List<InstructionExample> examples = new ArrayList<>(pairs.size());
    pairs.forEach(pair -> examples.add(Examples.instruction(pair)));
    return assemble(batchId, examples, createdAt);
  }
}
