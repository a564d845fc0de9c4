package io.kalmstream.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class InstructionLossTest {

  // Two sequences of 4 tokens over a vocabulary of 3; sequence 0 has a 2-token prompt, sequence 1 a 1-token
  // prompt and one padding token at the end.
  private static final float[][][] LOGITS = {
      {{0.1f, 0.5f, -0.2f}, {1.0f, 0.0f, 0.3f}, {-0.4f, 0.2f, 0.9f}, {0.3f, 0.3f, 0.3f}},
      {{0.7f, -0.1f, 0.0f}, {0.2f, 0.8f, -0.5f}, {0.0f, 0.0f, 1.5f}, {2.0f, 0.1f, 0.1f}}};
  private static final int[][] TOKENS = {{1, 2, 0, 1}, {2, 1, 1, 0}};
  private static final int[][] RESPONSE = {{0, 0, 1, 1}, {0, 1, 1, 0}};

  @Test
  void averagesTheNextTokenLossOverResponseTokensOnly() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      double expected = 0;
      int count = 0;
      for (int b = 0; b < 2; b++) {
        for (int t = 1; t < 4; t++) {
          if (RESPONSE[b][t] == 1) {
            float[] row = LOGITS[b][t - 1];
            double logSum = Math.log(Math.exp(row[0]) + Math.exp(row[1]) + Math.exp(row[2]));
            expected += -(row[TOKENS[b][t]] - logSum);
            count++;
          }
        }
      }
      expected /= count;
      NDArray loss = new InstructionLoss().compute(logits(manager), ints(manager, TOKENS), ints(manager, RESPONSE));
      assertEquals(expected, loss.getFloat(), 1e-5);
    }
  }

  @Test
  void refusesABatchWithoutResponseTokens() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      int[][] none = new int[2][4];
      assertThrows(IllegalArgumentException.class,
          () -> new InstructionLoss().compute(logits(manager), ints(manager, TOKENS), ints(manager, none)));
    }
  }

  private static NDArray logits(NDManager manager) {
    float[] flat = new float[2 * 4 * 3];
    int k = 0;
    for (float[][] sequence : LOGITS) {
      for (float[] position : sequence) {
        for (float value : position) {
          flat[k++] = value;
        }
      }
    }
    return manager.create(flat, new Shape(2, 4, 3));
  }

  private static NDArray ints(NDManager manager, int[][] rows) {
    int[] flat = new int[rows.length * rows[0].length];
    for (int b = 0; b < rows.length; b++) {
      System.arraycopy(rows[b], 0, flat, b * rows[b].length, rows[b].length);
    }
    return manager.create(flat, new Shape(rows.length, rows[0].length));
  }
}
