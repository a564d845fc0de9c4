package io.kalmstream.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.Triple;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayAndSplitTest {

  @Test
  void reservoirKeepsEveryItemWithEqualProbability() {
    int capacity = 10;
    int stream = 100;
    int[] kept = new int[stream];
    int trials = 2000;
    for (int seed = 0; seed < trials; seed++) {
      ReplayBuffer buffer = new ReplayBuffer(capacity, seed);
      for (int i = 0; i < stream; i++) {
        buffer.offer(ContrastiveBatchesTest.pair("h" + i, "r", "t" + i));
      }
      assertEquals(capacity, buffer.size());
      for (int s = 0; s < buffer.size(); s++) {
        kept[Integer.parseInt(buffer.get(s).getHead().substring(1))]++;
      }
    }
    // expected 2000 * 10 / 100 = 200 per item; first and last tenth of the stream alike
    int early = 0;
    int late = 0;
    for (int i = 0; i < 10; i++) {
      early += kept[i];
      late += kept[stream - 1 - i];
    }
    assertTrue(
        early > 1700 && early < 2300, "early items kept " + early + " times, expected about 2000");
    assertTrue(
        late > 1700 && late < 2300, "late items kept " + late + " times, expected about 2000");
  }

  @Test
  void drawsDistinctTailsAvoidingExcludedOnesAndMarksThemReplayed() {
    ReplayBuffer buffer = new ReplayBuffer(50, 42);
    for (int i = 0; i < 50; i++) {
      buffer.offer(ContrastiveBatchesTest.pair("h" + i, "r", "t" + (i % 20)));
    }
    List<ContrastivePair> drawn = buffer.draw(8, Set.of("t0", "t1"));
    assertEquals(8, drawn.size());
    Set<String> tails = new HashSet<>();
    for (ContrastivePair pair : drawn) {
      assertTrue(pair.getReplayed());
      assertTrue(tails.add(pair.getTail()));
      assertFalse(pair.getTail().equals("t0") || pair.getTail().equals("t1"));
    }
    assertTrue(buffer.draw(30, Set.of()).size() <= 20, "only 20 distinct tails exist");
  }

  @Test
  void sameSeedSameChoices() {
    ReplayBuffer a = new ReplayBuffer(5, 9);
    ReplayBuffer b = new ReplayBuffer(5, 9);
    for (int i = 0; i < 40; i++) {
      a.offer(ContrastiveBatchesTest.pair("h" + i, "r", "t" + i));
      b.offer(ContrastiveBatchesTest.pair("h" + i, "r", "t" + i));
    }
    assertEquals(a.draw(3, Set.of()), b.draw(3, Set.of()));
    assertEquals(1, a.removeTriple(TripleIds.of(a.get(0).getHead(), "r", a.get(0).getTail())));
    assertEquals(4, a.size());
  }

  @Test
  void heldOutSplitHonoursTheProducersSplitAndOtherwiseHashes() {
    HeldOutSplit split = new HeldOutSplit(0.1, "salt");
    assertTrue(
        split.isHeldOut(
            Triple.newBuilder()
                .setHead("a")
                .setRelation("r")
                .setTail("b")
                .setSplit("test")
                .build()));
    assertFalse(
        split.isHeldOut(
            Triple.newBuilder()
                .setHead("a")
                .setRelation("r")
                .setTail("b")
                .setSplit("train")
                .build()));
    KgDataset wn = KgDatasetReader.read(SharedData.dataset("wn18rr"));
    int heldOut = 0;
    for (Triple triple : wn.train()) {
      if (split.isHeldOutByHash(TripleIds.of(triple))) {
        heldOut++;
      }
    }
    double share = heldOut / (double) wn.train().size();
    assertTrue(share > 0.095 && share < 0.105, "held-out share " + share);
    assertEquals(
        split.isHeldOutByHash("x\ty\tz"), new HeldOutSplit(0.1, "salt").isHeldOutByHash("x\ty\tz"));
  }

  @Test
  void liveSlotsLeaveRoomForReplayButNeverVanish() {
    assertEquals(18, new BatchPolicy(24, 4, 0.25, 100).contrastiveLiveSlots());
    assertEquals(3, new BatchPolicy(24, 4, 0.25, 100).instructionLiveSlots());
    assertEquals(1, BatchPolicy.liveSlots(1, 0.9));
  }
}
