package io.kalmstream.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Where the model runs and in which precision. The commands build it from the environment
 * (KALM_DEVICE, KALM_PRECISION); the engine's thread count is process-wide and set by them too.
 *
 * @param device CPU or a GPU
 * @param baseType type of the frozen base weights and activations: FLOAT32 on CPU, FLOAT16 on GPU
 *     (LoRA parameters are always FLOAT32; BFLOAT16 is refused because DJL's PyTorch JNI aborts on
 *     it)
 */
public record ModelOptions(Device device, DataType baseType) {

  static final String ENGINE = "PyTorch";

  public ModelOptions {
    if (baseType != DataType.FLOAT32 && baseType != DataType.FLOAT16) {
      throw new IllegalArgumentException(
          "base weights must be FLOAT32 or FLOAT16, got " + baseType);
    }
  }

  /** GPU 0 with float16 weights when the engine sees a GPU, else CPU with float32. */
  public static ModelOptions auto() {
    return Engine.getEngine(ENGINE).getGpuCount() > 0
        ? new ModelOptions(Device.gpu(), DataType.FLOAT16)
        : new ModelOptions(Device.cpu(), DataType.FLOAT32);
  }

  /** float32 (fp32) or float16 (fp16), case-insensitive. */
  public static DataType parsePrecision(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "float32":
      case "fp32":
        return DataType.FLOAT32;
      case "float16":
      case "fp16":
        return DataType.FLOAT16;
      default:
        throw new IllegalArgumentException(
            "precision must be float32 or float16, got '" + name + "'");
    }
  }
}
