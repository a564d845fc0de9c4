package io.kalmstream.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.InstructionBatch;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetBatchesTest {

  @Test
  void anEpochCoversEveryTrainingPairOnceInBatchesWithDistinctTailsAndAValidMask() {
    KgDataset wn = KgDatasetReader.read(SharedData.dataset("wn18rr"));
    DatasetBatches batches = new DatasetBatches(wn, new Examples(TextViews.defaults()));
    assertTrue(batches.skippedTriples().isEmpty());
    assertEquals(2 * 86_835, batches.trainPairs().size());

    Map<ContrastivePair, Integer> seen = new HashMap<>();
    int count = 0;
    int masked = 0;
    for (Iterator<ContrastiveBatch> it = batches.contrastiveEpoch(0, 24, 7);
        it.hasNext();
        count++) {
      ContrastiveBatch batch = it.next();
      List<ContrastivePair> pairs = batch.getPairs();
      assertTrue(pairs.size() <= 24);
      Set<String> tails = new HashSet<>();
      pairs.forEach(
          p -> assertTrue(tails.add(p.getTail()), "repeated tail in " + batch.getBatchId()));
      for (int i = 0; i < pairs.size(); i++) {
        for (int j : batch.getFalseNegatives().get(i)) {
          masked++;
          assertTrue(j != i);
          assertTrue(
              batches
                  .trainFacts()
                  .isKnownAnswer(
                      pairs.get(i).getHead(), pairs.get(i).getRelation(), pairs.get(j).getTail()));
        }
      }
      pairs.forEach(p -> seen.merge(p, 1, Integer::sum));
    }
    assertEquals(batches.trainPairs().size(), seen.size());
    assertTrue(seen.values().stream().allMatch(n -> n == 1));
    assertTrue(count >= 2 * 86_835 / 24);
    assertTrue(masked > 0, "WN18RR has hub tails, so some in-batch negatives are known answers");

    Iterator<ContrastiveBatch> again = batches.contrastiveEpoch(0, 24, 7);
    Iterator<ContrastiveBatch> other = batches.contrastiveEpoch(1, 24, 7);
    ContrastiveBatch first = again.next();
    assertEquals(first, batches.contrastiveEpoch(0, 24, 7).next());
    assertTrue(!first.getPairs().equals(other.next().getPairs()));

    Iterator<InstructionBatch> instructions = batches.instructionEpoch(0, 4, 7);
    int examples = 0;
    while (instructions.hasNext()) {
      examples += instructions.next().getExamples().size();
    }
    assertEquals(2 * 86_835, examples);
  }
}
