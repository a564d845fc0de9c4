package io.kalmstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.BatchPolicy;
import io.kalmstream.batching.Examples;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.InstructionBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Checks on the job's output shared by the in-memory and the Kafka tests. */
final class Accounting {
  private Accounting() {}

  /**
   * Where each triple id ended: "batch", "eval", "dlq" or "retracted"; fails when one ends in two
   * places.
   */
  static Map<String, String> outcomes(
      KgSlice slice,
      List<ContrastiveBatch> batches,
      List<String> evalIds,
      List<DeadLetter> deadLetters) {
    Map<String, List<String>> places = new TreeMap<>();
    for (ContrastiveBatch batch : batches) {
      for (ContrastivePair pair : batch.getPairs()) {
        if (!pair.getReplayed() && !pair.getInverse()) {
          places
              .computeIfAbsent(Examples.sourceTripleId(pair), k -> new ArrayList<>())
              .add("batch");
        }
      }
    }
    evalIds.forEach(id -> places.computeIfAbsent(id, k -> new ArrayList<>()).add("eval"));
    for (DeadLetter letter : deadLetters) {
      if (letter.getKey() != null) {
        String key = StandardCharsets.UTF_8.decode(letter.getKey().duplicate()).toString();
        if (slice.tripleIds.contains(key)) {
          places.computeIfAbsent(key, k -> new ArrayList<>()).add("dlq");
        }
      }
    }
    slice.retracted.forEach(
        id -> places.computeIfAbsent(id, k -> new ArrayList<>()).add("retracted"));
    Map<String, String> outcome = new HashMap<>();
    for (String id : slice.tripleIds) {
      List<String> where = places.getOrDefault(id, List.of());
      assertEquals(1, where.size(), "triple " + id.replace('\t', ' ') + " ended in " + where);
      outcome.put(id, where.get(0));
    }
    assertTrue(
        slice.tripleIds.containsAll(places.keySet()), "output names triples that were never input");
    slice.expectedDeadLetters.forEach(id -> assertEquals("dlq", outcome.get(id), id));
    return outcome;
  }

  /**
   * Distinct tails, sizes within the policy, both directions of each triple trained, masks only on
   * true facts.
   */
  static void assertWellFormed(
      List<ContrastiveBatch> batches,
      List<InstructionBatch> instructions,
      BatchPolicy policy,
      Set<String> trainedTripleIds) {
    Set<String> liveForward = new HashSet<>();
    Set<String> liveInverse = new HashSet<>();
    for (ContrastiveBatch batch : batches) {
      List<ContrastivePair> pairs = batch.getPairs();
      assertTrue(pairs.size() <= policy.contrastiveSize(), batch.getBatchId());
      Set<String> tails = new HashSet<>();
      long live = pairs.stream().filter(p -> !p.getReplayed()).count();
      assertTrue(
          live >= 1 && live <= policy.contrastiveLiveSlots(), batch.getBatchId() + " live " + live);
      for (int i = 0; i < pairs.size(); i++) {
        ContrastivePair pair = pairs.get(i);
        assertTrue(tails.add(pair.getTail()), "repeated tail in " + batch.getBatchId());
        if (!pair.getReplayed()) {
          assertTrue(
              (pair.getInverse() ? liveInverse : liveForward).add(Examples.sourceTripleId(pair)),
              "pair trained live twice: " + pair);
        }
        for (int j : batch.getFalseNegatives().get(i)) {
          assertFalse(j == i);
          ContrastivePair column = pairs.get(j);
          String fact =
              pair.getInverse()
                  ? TripleIds.of(
                      column.getTail(),
                      pair.getRelation().substring("inverse ".length()),
                      pair.getHead())
                  : TripleIds.of(pair.getHead(), pair.getRelation(), column.getTail());
          assertTrue(trainedTripleIds.contains(fact), "masked a fact that is not known: " + fact);
        }
      }
    }
    assertEquals(trainedTripleIds, liveForward);
    assertEquals(trainedTripleIds, liveInverse);
    assertEquals(
        byShard(batches.stream().map(ContrastiveBatch::getBatchId).toList()),
        byShard(instructions.stream().map(InstructionBatch::getBatchId).toList()),
        "each shard's instruction batches have its contrastive batches' ids, in the same order");
    for (InstructionBatch batch : instructions) {
      assertTrue(batch.getExamples().size() <= policy.instructionSize());
      batch.getExamples().forEach(e -> assertEquals(Examples.INSTRUCTION, e.getInstruction()));
    }
  }

  /** Batch ids ("prefix-shard-sequence") by shard, in the order given. */
  private static Map<String, List<String>> byShard(List<String> batchIds) {
    Map<String, List<String>> shards = new TreeMap<>();
    for (String id : batchIds) {
      shards.computeIfAbsent(id.substring(0, id.lastIndexOf('-')), s -> new ArrayList<>()).add(id);
    }
    return shards;
  }
}
