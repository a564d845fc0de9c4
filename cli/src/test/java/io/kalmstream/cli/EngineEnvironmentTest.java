package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.kalmstream.model.ModelOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineEnvironmentTest {
  @Test
  void deviceAndPrecisionComeFromTheEnvironmentGiven() {
    assertEquals(
        new ModelOptions(Device.cpu(), DataType.FLOAT16),
        EngineEnvironment.modelOptions(Map.of("KALM_DEVICE", "cpu", "KALM_PRECISION", "fp16")));
    assertEquals(
        new ModelOptions(Device.cpu(), DataType.FLOAT32),
        EngineEnvironment.modelOptions(Map.of("KALM_DEVICE", "cpu")));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            EngineEnvironment.modelOptions(Map.of("KALM_DEVICE", "cpu", "KALM_PRECISION", "bf16")));
    assertThrows(
        IllegalArgumentException.class,
        () -> EngineEnvironment.modelOptions(Map.of("KALM_TORCH_THREADS", "many")));
  }
}
