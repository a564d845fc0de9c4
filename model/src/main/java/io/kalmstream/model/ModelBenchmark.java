package io.kalmstream.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Throughput of the model on its own engine: forward (hidden states + LM head) and forward+backward
 * (causal-LM loss, gradients for a fresh KaLM LoRA adapter) in tokens/s, and the FLOP/s they
 * achieve as a share of the peak square-matmul FLOP/s measured with the same engine, device and
 * precision in the same run.
 */
public final class ModelBenchmark {

  /**
   * @param batch B
   * @param length T
   * @param secondsPerMeasurement wall time each measurement runs for (after warm-up)
   * @param matmulSizes square sizes N tried for the peak (2N³ FLOPs each); the best is the peak
   */
  public record Settings(
      int batch, int length, double secondsPerMeasurement, List<Integer> matmulSizes) {
    public static Settings defaults() {
      return new Settings(8, 256, 3.0, List.of(256, 512, 1024, 2048));
    }
  }

  /** One timed loop: how many passes, how long, and what they achieved. */
  public record Measurement(
      int iterations, double seconds, double tokensPerSecond, double flopsPerSecond) {}

  /** Peak of one matmul size. */
  public record MatmulPeak(int size, int iterations, double seconds, double flopsPerSecond) {}

  public record Result(
      Settings settings,
      ModelFlops flopsPerBatch,
      List<MatmulPeak> matmul,
      double peakFlopsPerSecond,
      Measurement forward,
      Measurement forwardBackward) {

    public double forwardShareOfPeak() {
      return forward.flopsPerSecond() / peakFlopsPerSecond;
    }

    public double forwardBackwardShareOfPeak() {
      return forwardBackward.flopsPerSecond() / peakFlopsPerSecond;
    }
  }

  private ModelBenchmark() {}

  /** Runs all measurements; leaves the model without adapter afterwards if it had none before. */
  public static Result run(LlamaModel model, Settings settings) {
    List<MatmulPeak> peaks = new ArrayList<>();
    for (int n : settings.matmulSizes()) {
      peaks.add(matmulPeak(model, n, settings.secondsPerMeasurement()));
    }
    double peak = peaks.stream().mapToDouble(MatmulPeak::flopsPerSecond).max().orElseThrow();
    boolean hadAdapter = model.lora() != null;
    if (!hadAdapter) {
      model.addLora(LoraConfig.kalmDefault(), 0);
    }
    try {
      ModelFlops flops =
          ModelFlops.of(model.config(), model.lora(), settings.batch(), settings.length());
      Measurement forward = time(settings, flops.forward(), () -> forwardPass(model, settings));
      Measurement backward =
          time(settings, flops.forwardBackward(), () -> trainingPass(model, settings));
      return new Result(settings, flops, peaks, peak, forward, backward);
    } finally {
      if (!hadAdapter) {
        model.removeLora();
      }
    }
  }

  /** The best square float matmul rate over {@code sizes}, on the model's device and precision. */
  public static MatmulPeak peak(LlamaModel model, List<Integer> sizes, double seconds) {
    MatmulPeak best = null;
    for (int n : sizes) {
      MatmulPeak p = matmulPeak(model, n, seconds);
      if (best == null || p.flopsPerSecond() > best.flopsPerSecond()) {
        best = p;
      }
    }
    return best;
  }

  private static MatmulPeak matmulPeak(LlamaModel model, int n, double seconds) {
    try (NDManager scope = NDManager.newBaseManager(model.device(), ModelOptions.ENGINE)) {
      DataType type = model.options().baseType();
      NDArray a = scope.randomNormal(0, 1, new Shape(n, n), DataType.FLOAT32).toType(type, false);
      NDArray b = scope.randomNormal(0, 1, new Shape(n, n), DataType.FLOAT32).toType(type, false);
      Runnable multiply =
          () -> {
            try (NDManager step = scope.newSubManager()) {
              NDArray c = a.matMul(b);
              c.attach(step);
              sync(c);
            }
          };
      multiply.run();
      long start = System.nanoTime();
      int iterations = 0;
      double elapsed;
      do {
        multiply.run();
        iterations++;
        elapsed = (System.nanoTime() - start) / 1e9;
      } while (elapsed < seconds);
      return new MatmulPeak(n, iterations, elapsed, 2.0 * n * n * n * iterations / elapsed);
    }
  }

  private static Measurement time(Settings settings, double flopsPerPass, Runnable pass) {
    pass.run();
    pass.run();
    long start = System.nanoTime();
    int iterations = 0;
    double elapsed;
    do {
      pass.run();
      iterations++;
      elapsed = (System.nanoTime() - start) / 1e9;
    } while (elapsed < settings.secondsPerMeasurement());
    double tokens = (double) settings.batch() * settings.length() * iterations;
    return new Measurement(
        iterations, elapsed, tokens / elapsed, flopsPerPass * iterations / elapsed);
  }

  private static void forwardPass(LlamaModel model, Settings settings) {
    try (NDManager scope = NDManager.newBaseManager(model.device(), ModelOptions.ENGINE)) {
      NDList batch = randomBatch(model, scope, settings);
      NDArray logits = model.logits(model.hiddenStates(batch.get(0), batch.get(1), false));
      sync(logits);
    }
  }

  private static void trainingPass(LlamaModel model, Settings settings) {
    try (NDManager scope = NDManager.newBaseManager(model.device(), ModelOptions.ENGINE);
        GradientCollector collector =
            Engine.getEngine(ModelOptions.ENGINE).newGradientCollector()) {
      NDList batch = randomBatch(model, scope, settings);
      NDArray logits = model.logits(model.hiddenStates(batch.get(0), batch.get(1), true));
      NDArray loss = CausalLmLoss.mean(logits, batch.get(0), batch.get(1));
      collector.backward(loss);
      sync(model.trainableParameters().get(0).getArray().getGradient());
      collector.zeroGradients();
    }
  }

  private static NDList randomBatch(LlamaModel model, NDManager scope, Settings settings) {
    Random random = new Random(settings.batch() * 31L + settings.length());
    List<long[]> rows = new ArrayList<>();
    for (int i = 0; i < settings.batch(); i++) {
      long[] ids = new long[settings.length()];
      for (int j = 0; j < ids.length; j++) {
        ids[j] = random.nextInt(model.config().vocabSize());
      }
      rows.add(ids);
    }
    return TokenBatch.rightPadded(rows, model.tokenizer().padId()).toNDList(scope);
  }

  /** Reads one value back so that asynchronous devices finish the work before the clock stops. */
  private static void sync(NDArray array) {
    array.get(0).toType(DataType.FLOAT32, false).toFloatArray();
  }
}
