package io.kalmstream.cli;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.kalmstream.model.ModelOptions;
import java.util.Map;

/**
 * The model engine's settings from the environment, and the engine-wide state they set once per
 * process. The library modules receive a {@link ModelOptions}; only the commands read {@code
 * KALM_DEVICE}, {@code KALM_PRECISION} and {@code KALM_TORCH_THREADS}, and only they set the
 * engine's thread properties.
 */
public final class EngineEnvironment {
  private static final String INTRA_OP_THREADS = "ai.djl.pytorch.num_threads";
  private static final String INTER_OP_THREADS = "ai.djl.pytorch.num_interop_threads";

  private EngineEnvironment() {}

  /**
   * {@link ModelOptions#auto()}, overridden by {@code KALM_DEVICE} (cpu, gpu, gpu1, ...) and {@code
   * KALM_PRECISION} (float32, float16); {@code KALM_TORCH_THREADS} sets {@link #setEngineThreads}
   * unless an option did first.
   */
  public static ModelOptions modelOptions() {
    return modelOptions(System.getenv());
  }

  static ModelOptions modelOptions(Map<String, String> env) {
    String threads = env.get("KALM_TORCH_THREADS");
    if (threads != null && !threads.isBlank()) {
      try {
        setEngineThreads(Integer.parseInt(threads.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "KALM_TORCH_THREADS must be a positive integer, got '" + threads + "'", e);
      }
    }
    String device = env.get("KALM_DEVICE");
    String precision = env.get("KALM_PRECISION");
    Device d =
        device == null || device.isBlank()
            ? ModelOptions.auto().device()
            : Device.fromName(device.trim());
    DataType t =
        precision == null || precision.isBlank()
            ? (d.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32)
            : ModelOptions.parsePrecision(precision);
    return new ModelOptions(d, t);
  }

  /**
   * PyTorch intra-op threads for this process. Takes effect only before the engine starts (the
   * first model load); the first call wins, and a system property set on the command line wins over
   * every call. On a machine shared by several busy processes one thread is often faster than many:
   * threads of one op wait for each other when the cores are oversubscribed.
   */
  public static void setEngineThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("engine threads must be >= 1, got " + threads);
    }
    if (System.getProperty(INTRA_OP_THREADS) == null) {
      System.setProperty(INTRA_OP_THREADS, Integer.toString(threads));
      System.setProperty(INTER_OP_THREADS, "1");
    }
  }

  /** The intra-op thread setting the engine started with, or "engine default". */
  public static String engineThreads() {
    return System.getProperty(INTRA_OP_THREADS, "engine default");
  }
}
