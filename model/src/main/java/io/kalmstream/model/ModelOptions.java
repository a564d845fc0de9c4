package io.kalmstream.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Where the model runs and in which precision.
 *
 * @param device CPU or a GPU
 * @param baseType type of the frozen base weights and activations: FLOAT32 on CPU, FLOAT16 on GPU (LoRA
 *     parameters are always FLOAT32; BFLOAT16 is refused because DJL's PyTorch JNI aborts on it)
 */
public record ModelOptions(Device device, DataType baseType) {

  static final String ENGINE = "PyTorch";
  private static final String INTRA_OP_THREADS = "ai.djl.pytorch.num_threads";
  private static final String INTER_OP_THREADS = "ai.djl.pytorch.num_interop_threads";

  public ModelOptions {
    if (baseType != DataType.FLOAT32 && baseType != DataType.FLOAT16) {
      throw new IllegalArgumentException("base weights must be FLOAT32 or FLOAT16, got " + baseType);
    }
  }

  /** GPU 0 with float16 weights when the engine sees a GPU, else CPU with float32. */
  public static ModelOptions auto() {
    return Engine.getEngine(ENGINE).getGpuCount() > 0
        ? new ModelOptions(Device.gpu(), DataType.FLOAT16)
        : new ModelOptions(Device.cpu(), DataType.FLOAT32);
  }

  /**
   * {@link #auto()}, overridden by {@code KALM_DEVICE} (cpu, gpu, gpu1, ...) and {@code KALM_PRECISION}
   * (float32, float16) from the environment; {@code KALM_TORCH_THREADS} sets {@link #setEngineThreads}.
   */
  public static ModelOptions fromEnvironment() {
    String threads = System.getenv("KALM_TORCH_THREADS");
    if (threads != null && !threads.isBlank()) {
      try {
        setEngineThreads(Integer.parseInt(threads.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("KALM_TORCH_THREADS must be a positive integer, got '" + threads + "'", e);
      }
    }
    ModelOptions auto = auto();
    String device = System.getenv("KALM_DEVICE");
    String precision = System.getenv("KALM_PRECISION");
    Device d = device == null || device.isBlank() ? auto.device() : Device.fromName(device.trim());
    DataType t = precision == null || precision.isBlank()
        ? (d.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32)
        : parsePrecision(precision);
    return new ModelOptions(d, t);
  }

  /**
   * PyTorch intra-op threads for this process. Takes effect only before the engine starts (the first model
   * load); a system property set on the command line wins. On a machine shared by several busy processes one
   * thread is often faster than many: threads of one op wait for each other when the cores are oversubscribed.
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

  static DataType parsePrecision(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "float32":
      case "fp32":
        return DataType.FLOAT32;
      case "float16":
      case "fp16":
        return DataType.FLOAT16;
      default:
        throw new IllegalArgumentException("precision must be float32 or float16, got '" + name + "'");
    }
  }
}
