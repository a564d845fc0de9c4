package io.kalmstream.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {

  private static final AdamW.Settings SETTINGS = new AdamW.Settings(0.9, 0.999, 1e-8, 0.01);

  @Test
  void matchesTheReferenceUpdateOverSeveralSteps() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        AdamW optimizer = new AdamW(SETTINGS)) {
      NDArray weight = manager.create(new float[] {1f, -2f, 0.5f});
      weight.setRequiresGradient(true);
      List<TrainableParameter> parameters = List.of(new TrainableParameter("w", weight, true));
      double[] w = {1, -2, 0.5};
      double[] m = new double[3];
      double[] v = new double[3];
      double lr = 0.1;
      for (int t = 1; t <= 3; t++) {
        backwardOfCubeSum(weight);
        optimizer.update(parameters, lr);
        Gradients.zero(parameters);
        for (int k = 0; k < 3; k++) {
          double g = 3 * w[k] * w[k]; // d/dw of w³
          m[k] = 0.9 * m[k] + 0.1 * g;
          v[k] = 0.999 * v[k] + 0.001 * g * g;
          w[k] *= 1 - lr * SETTINGS.weightDecay();
          w[k] -=
              lr
                  * (m[k] / (1 - Math.pow(0.9, t)))
                  / (Math.sqrt(v[k] / (1 - Math.pow(0.999, t))) + 1e-8);
        }
      }
      float[] actual = weight.toFloatArray();
      for (int k = 0; k < 3; k++) {
        assertEquals(w[k], actual[k], 1e-5);
      }
    }
  }

  @Test
  void restoredStateContinuesExactlyLikeTheOriginal() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        AdamW original = new AdamW(SETTINGS);
        AdamW resumed = new AdamW(SETTINGS)) {
      NDArray a = manager.create(new float[] {0.3f, -0.7f});
      NDArray b = manager.create(new float[] {0.3f, -0.7f});
      a.setRequiresGradient(true);
      b.setRequiresGradient(true);
      List<TrainableParameter> pa = List.of(new TrainableParameter("w", a, true));
      List<TrainableParameter> pb = List.of(new TrainableParameter("w", b, true));
      for (int t = 0; t < 2; t++) {
        backwardOfCubeSum(a);
        original.update(pa, 0.05);
        Gradients.zero(pa);
      }
      b.set(a.toFloatArray());
      NDList saved = new NDList();
      for (NDArray moment : original.state()) {
        NDArray copy = moment.duplicate();
        copy.setName(moment.getName());
        saved.add(copy);
      }
      resumed.restore(saved, original.updates());

      backwardOfCubeSum(a);
      original.update(pa, 0.05);
      backwardOfCubeSum(b);
      resumed.update(pb, 0.05);
      assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f);
    }
  }

  @Test
  void clipsTheGlobalNorm() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.create(new float[] {3f});
      NDArray y = manager.create(new float[] {4f});
      x.setRequiresGradient(true);
      y.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(x.mul(x).div(2).add(y.mul(y).div(2)).sum()); // gradients (3, 4), norm 5
      }
      List<TrainableParameter> parameters =
          List.of(new TrainableParameter("x", x, true), new TrainableParameter("y", y, true));
      assertEquals(5.0, Gradients.clipByGlobalNorm(parameters, 1.0), 1e-6);
      assertEquals(1.0, Gradients.globalNorm(parameters), 1e-5);
      assertEquals(0.6f, x.getGradient().getFloat(), 1e-5f);
      Gradients.zero(parameters);
      assertEquals(0.0, Gradients.globalNorm(parameters), 0.0);
    }
  }

  private static void backwardOfCubeSum(NDArray weight) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(weight.pow(3).sum());
    }
  }
}
