package io.kalmstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstructionInterleavingTest {

  @Test
  void aFractionalRatioSpreadsInstructionBatchesOverSteps() {
    assertEquals(List.of(0, 1, 0, 1, 0, 1), schedule(0.5, 6));
    assertEquals(List.of(0, 0, 1, 0, 0, 1), schedule(1.0 / 3, 6));
    assertEquals(List.of(2, 2, 2), schedule(2, 3));
    assertEquals(List.of(0, 0, 0), schedule(0, 3));
  }

  @Test
  void anIdleInstructionTopicDoesNotPileUpDebt() {
    InstructionInterleaving interleaving = new InstructionInterleaving(1, 0);
    for (int i = 0; i < 10; i++) {
      interleaving.contrastiveStep(interleaving.dueWithContrastive(), 0); // none available
    }
    assertEquals(1, interleaving.dueWithContrastive(), "missing batches are not owed");
  }

  @Test
  void theCreditResumesTheSamePattern() {
    InstructionInterleaving first = new InstructionInterleaving(0.5, 0);
    first.contrastiveStep(first.dueWithContrastive(), first.dueWithContrastive());
    InstructionInterleaving resumed = new InstructionInterleaving(0.5, first.credit());
    assertEquals(1, resumed.dueWithContrastive());
  }

  @Test
  void instructionOnlyStepsTakeAtLeastOneBatch() {
    assertEquals(1, new InstructionInterleaving(0.25, 0).dueAlone());
    assertEquals(3, new InstructionInterleaving(2.5, 0).dueAlone());
  }

  private static List<Integer> schedule(double ratio, int steps) {
    InstructionInterleaving interleaving = new InstructionInterleaving(ratio, 0);
    List<Integer> due = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      int d = interleaving.dueWithContrastive();
      due.add(d);
      interleaving.contrastiveStep(d, d);
    }
    return due;
  }
}
