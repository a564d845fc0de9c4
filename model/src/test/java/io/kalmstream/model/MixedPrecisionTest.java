package io.kalmstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The GPU precision path (float16 base weights, float32 LoRA, float32 loss, dynamic loss scaling)
 * run on the CPU, where PyTorch also computes in float16: there is no GPU on the build machines.
 */
class MixedPrecisionTest {

  private static final List<String> TEXTS =
      List.of("Once upon a time there was a cat.", "Lily saw a big red ball.");

  @Test
  void float16BaseWithFloat32LoraTrainsAndTracksFloat32() {
    try (LlamaModel full =
            LlamaModel.load(
                SharedModels.stories260K(), new ModelOptions(Device.cpu(), DataType.FLOAT32));
        LlamaModel half =
            LlamaModel.load(
                SharedModels.stories260K(), new ModelOptions(Device.cpu(), DataType.FLOAT16));
        NDManager scope = NDManager.newBaseManager()) {
      assertEquals(
          DataType.FLOAT16,
          half.decoder().getParameters().get(0).getValue().getArray().getDataType());
      NDList batch = half.tokenizer().encodeBatch(TEXTS, 32).toNDList(scope);
      float[] reference = full.embeddings(batch.get(0), batch.get(1), false).toFloatArray();
      NDArray halfEmbeddings = half.embeddings(batch.get(0), batch.get(1), false);
      assertEquals(DataType.FLOAT32, halfEmbeddings.getDataType());
      float diff = LoraAdapterTest.maxAbsDiff(reference, halfEmbeddings.toFloatArray());
      assertTrue(diff < 2e-2f, "float16 embeddings deviate by " + diff);

      half.addLora(LoraConfig.kalmDefault(), 5);
      full.addLora(LoraConfig.kalmDefault(), 5);
      for (Parameter p : half.trainableParameters()) {
        assertEquals(DataType.FLOAT32, p.getArray().getDataType());
      }
      DynamicLossScaler scaler = DynamicLossScaler.forModel(half);
      assertEquals(65536f, scaler.currentScale());
      backward(half, batch, scaler);
      assertTrue(scaler.unscaleAndCheck(half.trainableParameters()));
      backward(full, batch, DynamicLossScaler.forModel(full));
      // layer 0's gradient crosses every float16 cast of the four layers above it
      for (String name :
          List.of(
              "base_model.model.model.layers.0.mlp.gate_proj.lora_B.weight",
              "base_model.model.model.layers.4.mlp.down_proj.lora_B.weight")) {
        NDArray halfGrad = half.adapterParameters().get(name).getArray().getGradient();
        assertEquals(DataType.FLOAT32, halfGrad.getDataType());
        float[] g16 = halfGrad.toFloatArray();
        float[] g32 = full.adapterParameters().get(name).getArray().getGradient().toFloatArray();
        assertTrue(LoraAdapterTest.maxAbs(g32) > 0, name);
        double cosine = cosine(g16, g32);
        assertTrue(
            cosine > 0.99,
            name + ": float16 gradient has cosine " + cosine + " with the float32 one");
      }
    }
  }

  private static void backward(LlamaModel model, NDList batch, DynamicLossScaler scaler) {
    try (GradientCollector collector =
        Engine.getEngine(ModelOptions.ENGINE).newGradientCollector()) {
      NDArray logits = model.logits(model.hiddenStates(batch.get(0), batch.get(1), false));
      NDArray loss = CausalLmLoss.mean(logits, batch.get(0), batch.get(1));
      assertEquals(DataType.FLOAT32, loss.getDataType());
      collector.backward(scaler.scale(loss));
    }
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void scalerSkipsNonFiniteStepsAndHalvesTheScale() {
    try (LlamaModel model =
        LlamaModel.load(
            SharedModels.stories260K(), new ModelOptions(Device.cpu(), DataType.FLOAT32))) {
      model.addLora(LoraConfig.kalmDefault(), 1);
      Parameter b = model.trainableParameters().get(1);
      try (NDManager scope = NDManager.newBaseManager();
          GradientCollector collector =
              Engine.getEngine(ModelOptions.ENGINE).newGradientCollector()) {
        NDList batch = model.tokenizer().encodeBatch(TEXTS, 32).toNDList(scope);
        NDArray logits = model.logits(model.hiddenStates(batch.get(0), batch.get(1), true));
        collector.backward(CausalLmLoss.mean(logits, batch.get(0), batch.get(1)));
      }
      // what an overflowed float16 backward leaves behind
      b.getArray().getGradient().addi(Float.POSITIVE_INFINITY);
      DynamicLossScaler scaler = new DynamicLossScaler(1024f, 2);
      assertFalse(scaler.unscaleAndCheck(List.of(b)));
      assertEquals(512f, scaler.currentScale());
    }
  }
}
