package io.kalmstream.batching;

import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Builds contrastive batches: N pairs with distinct tails and their false-negative mask. */
public final class ContrastiveBatches {
  private ContrastiveBatches() {}

  /**
   * Row i lists the columns j != i whose tail t_j is a known answer to (h_i, r_i). Those logits are
   * set to minus infinity by the loss: the in-batch "negative" is in fact true.
   */
  public static List<List<Integer>> falseNegatives(List<ContrastivePair> pairs, KnownFacts facts) {
    List<List<Integer>> mask = new ArrayList<>(pairs.size());
    for (int i = 0; i < pairs.size(); i++) {
      ContrastivePair row = pairs.get(i);
      Collection<String> known = facts.answers(row.getHead(), row.getRelation());
      List<Integer> columns = new ArrayList<>();
      for (int j = 0; j < pairs.size(); j++) {
        if (j != i && known.contains(pairs.get(j).getTail())) {
          columns.add(j);
        }
      }
      mask.add(columns);
    }
    return mask;
  }

  /**
   * Assembles a batch; the tails must be distinct, otherwise two columns would be the same
   * positive.
   */
  public static ContrastiveBatch assemble(
      String batchId, List<ContrastivePair> pairs, KnownFacts facts, Instant createdAt) {
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("batch " + batchId + " has no pairs");
    }
    Set<String> tails = new HashSet<>();
    for (ContrastivePair pair : pairs) {
      if (!tails.add(pair.getTail())) {
        throw new IllegalArgumentException("batch " + batchId + " repeats tail " + pair.getTail());
      }
    }
    return ContrastiveBatch.newBuilder()
        .setBatchId(batchId)
        .setPairs(new ArrayList<>(pairs))
        .setFalseNegatives(falseNegatives(pairs, facts))
        .setCreatedAt(createdAt)
        .build();
  }

  /** A copy of the pair marked as drawn from the replay buffer. */
  public static ContrastivePair asReplayed(ContrastivePair pair) {
    return ContrastivePair.newBuilder(pair).setReplayed(true).build();
  }
}
