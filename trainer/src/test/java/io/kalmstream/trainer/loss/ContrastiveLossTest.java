package io.kalmstream.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.kalmstream.trainer.optim.AdamW;
import io.kalmstream.trainer.optim.TrainableParameter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContrastiveLossTest {

  private static final double GAMMA = 0.02;
  private static final double TAU = 0.05;

  // Unit rows, chosen so that every off-diagonal similarity differs and row 0's column 2 is a
  // strong competitor.
  private static final double[][] HEAD_RELATION =
      normalise(new double[][] {{1, 0.2, 0}, {0.1, 1, 0.3}, {0.3, 0, 1}});
  private static final double[][] TAIL =
      normalise(new double[][] {{0.9, 0.1, 0.4}, {0, 1, 0.1}, {0.8, 0.3, 0.6}});
  private static final List<List<Integer>> ROW0_COLUMN2_IS_FALSE_NEGATIVE =
      List.of(List.of(2), List.of(), List.of());

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void matchesHandComputedValueWithoutMask() {
    double expected = referenceLoss(HEAD_RELATION, TAIL, new boolean[3][3], 1 / TAU);
    assertEquals(expected, djlLoss(null), 1e-4);
  }

  @Test
  void matchesHandComputedValueWithMask() {
    boolean[][] masked = new boolean[3][3];
    masked[0][2] = true;
    double expected = referenceLoss(HEAD_RELATION, TAIL, masked, 1 / TAU);
    double unmasked = referenceLoss(HEAD_RELATION, TAIL, new boolean[3][3], 1 / TAU);
    assertTrue(Math.abs(expected - unmasked) > 0.1, "the example must make the mask matter");
    assertEquals(expected, djlLoss(ROW0_COLUMN2_IS_FALSE_NEGATIVE), 1e-4);
  }

  @Test
  void maskedLogitsLeaveFiniteGradients() {
    try (Temperature temperature = Temperature.create(manager, TAU, 0.01, 1.0)) {
      NDArray hr = matrix(HEAD_RELATION);
      hr.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray mask = ContrastiveLoss.maskOf(manager, 3, ROW0_COLUMN2_IS_FALSE_NEGATIVE);
        collector.backward(
            new ContrastiveLoss((float) GAMMA)
                .compute(hr, matrix(TAIL), temperature.inverse(), mask));
      }
      for (float g : hr.getGradient().toFloatArray()) {
        assertTrue(Float.isFinite(g), "gradient " + g);
      }
    }
  }

  @Test
  void temperatureReceivesAGradientAndChangesAfterAStep() {
    try (Temperature temperature = Temperature.create(manager, TAU, 0.01, 1.0);
        AdamW optimizer = new AdamW(AdamW.Settings.kalmDefaults())) {
      double before = temperature.tau();
      assertEquals(TAU, before, 1e-6);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(
            new ContrastiveLoss((float) GAMMA)
                .compute(matrix(HEAD_RELATION), matrix(TAIL), temperature.inverse(), null));
      }
      NDArray gradient = temperature.parameter().getGradient();
      assertNotNull(gradient);
      float g = gradient.getFloat();
      assertTrue(g != 0 && Float.isFinite(g), "d loss / d log(1/tau) = " + g);
      assertEquals(referenceTemperatureGradient(), g, 1e-3);

      optimizer.update(
          List.of(
              new TrainableParameter(Temperature.PARAMETER_NAME, temperature.parameter(), false)),
          1e-2);
      temperature.project();
      assertNotEquals(before, temperature.tau());
      // Adam's first step moves the parameter by lr against the gradient's sign.
      assertEquals(
          Math.log(1 / TAU) - Math.signum(g) * 1e-2, Math.log(1 / temperature.tau()), 1e-5);
    }
  }

  @Test
  void temperatureIsClampedToItsBounds() {
    try (Temperature temperature = Temperature.create(manager, 5.0, 0.01, 1.0)) {
      assertEquals(1.0, temperature.tau(), 1e-6);
      temperature.setTau(0.001);
      assertEquals(0.01, temperature.tau(), 1e-6);
    }
  }

  @Test
  void rejectsFalseNegativesOutsideTheBatch() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ContrastiveLoss.maskOf(manager, 3, List.of(List.of(3), List.of(), List.of())));
    assertThrows(
        IllegalArgumentException.class,
        () -> ContrastiveLoss.maskOf(manager, 3, List.of(List.of(), List.of())));
  }

  private double djlLoss(List<List<Integer>> falseNegatives) {
    try (Temperature temperature = Temperature.create(manager, TAU, 0.01, 1.0)) {
      NDArray mask =
          falseNegatives == null ? null : ContrastiveLoss.maskOf(manager, 3, falseNegatives);
      return new ContrastiveLoss((float) GAMMA)
          .compute(matrix(HEAD_RELATION), matrix(TAIL), temperature.inverse(), mask)
          .getFloat();
    }
  }

  /** L_exp of DESIGN.md in plain doubles: masked entries are left out of the softmax sums. */
  private static double referenceLoss(
      double[][] hr, double[][] t, boolean[][] masked, double inverseTau) {
    int n = hr.length;
    double[][] logits = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double cosine = 0;
        for (int k = 0; k < hr[i].length; k++) {
          cosine += hr[i][k] * t[j][k];
        }
        logits[i][j] = (cosine - (i == j ? GAMMA : 0)) * inverseTau;
      }
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      double rowSum = 0;
      double columnSum = 0;
      for (int j = 0; j < n; j++) {
        if (!masked[i][j]) {
          rowSum += Math.exp(logits[i][j]);
        }
        if (!masked[j][i]) {
          columnSum += Math.exp(logits[j][i]);
        }
      }
      double rowLoss = -(logits[i][i] - Math.log(rowSum));
      double columnLoss = -(logits[i][i] - Math.log(columnSum));
      total += (rowLoss + columnLoss) / 2;
    }
    return total / n;
  }

  /** dL/d log(1/τ) by central finite differences of the reference loss. */
  private static double referenceTemperatureGradient() {
    double h = 1e-6;
    double s = Math.log(1 / TAU);
    boolean[][] none = new boolean[3][3];
    return (referenceLoss(HEAD_RELATION, TAIL, none, Math.exp(s + h))
            - referenceLoss(HEAD_RELATION, TAIL, none, Math.exp(s - h)))
        / (2 * h);
  }

  private NDArray matrix(double[][] rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      for (int k = 0; k < rows[i].length; k++) {
        flat[i * rows[i].length + k] = (float) rows[i][k];
      }
    }
    return manager.create(flat, new Shape(rows.length, rows[0].length));
  }

  private static double[][] normalise(double[][] rows) {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      double norm = 0;
      for (double x : rows[i]) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      out[i] = new double[rows[i].length];
      for (int k = 0; k < rows[i].length; k++) {
        out[i][k] = rows[i][k] / norm;
      }
    }
    return out;
  }
}
