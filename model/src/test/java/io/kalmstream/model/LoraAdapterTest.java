package io.kalmstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraAdapterTest {

  private static final List<String> TEXTS =
      List.of(
          "Once upon a time there was a cat.",
          "The dog ran to the park and played with a red ball.",
          "Hi");

  private static LlamaModel model;
  private NDManager scope;

  @BeforeAll
  static void load() {
    model = LlamaModel.load(SharedModels.stories260K(), ModelOptions.auto());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @BeforeEach
  void openScope() {
    model.removeLora();
    scope = NDManager.newBaseManager(model.device(), ModelOptions.ENGINE);
  }

  @AfterEach
  void closeScope() {
    scope.close();
    model.removeLora();
  }

  private NDList batch() {
    return model.tokenizer().encodeBatch(TEXTS, 64).toNDList(scope);
  }

  private float[] logits(NDList batch) {
    return model.logits(model.hiddenStates(batch.get(0), batch.get(1), false)).toFloatArray();
  }

  @Test
  void freshAdapterWithZeroBLeavesOutputsUnchanged() {
    NDList batch = batch();
    float[] base = logits(batch);
    model.addLora(LoraConfig.kalmDefault(), 7);
    assertEquals(5 * 3 * 2, model.trainableParameters().size());
    for (Map.Entry<String, Parameter> p : model.adapterParameters().entrySet()) {
      float[] values = p.getValue().getArray().toFloatArray();
      if (p.getKey().contains("lora_B")) {
        for (float v : values) {
          assertEquals(0f, v, p.getKey());
        }
      } else {
        assertTrue(maxAbs(values) > 0, p.getKey() + " must be random");
        float bound = (float) (1 / Math.sqrt(p.getValue().getArray().getShape().get(1)));
        assertTrue(maxAbs(values) <= bound, p.getKey() + " exceeds the kaiming-uniform bound");
      }
    }
    assertEquals(0f, maxAbsDiff(base, logits(batch)));
  }

  @Test
  void oneOptimizerStepChangesOnlyLoraParameters() {
    model.addLora(LoraConfig.kalmDefault(), 11);
    Map<String, float[]> before = snapshot(model.allParameters());
    NDList batch = batch();
    float[] logitsBefore = logits(batch);

    trainStep(batch);

    Map<String, float[]> after = snapshot(model.allParameters());
    for (String name : before.keySet()) {
      boolean changed = maxAbsDiff(before.get(name), after.get(name)) > 0;
      if (name.contains("lora_B")) {
        assertTrue(changed, name + " should have been updated");
      } else if (!name.contains("lora_A")) {
        assertFalse(changed, name + " is a base weight and must stay frozen");
        assertFalse(
            model.allParameters().get(name).getArray().hasGradient(),
            name + " must not track gradients");
      }
    }
    assertTrue(
        maxAbsDiff(logitsBefore, logits(batch)) > 0, "the trained adapter must change the logits");
  }

  @Test
  void savedAdapterReloadsToIdenticalOutputs(@TempDir Path dir) throws Exception {
    model.addLora(LoraConfig.kalmDefault(), 3);
    NDList batch = batch();
    trainStep(batch);
    float[] trained = logits(batch);
    Path adapter = dir.resolve("adapter");
    model.saveAdapter(adapter);

    JsonNode config =
        new ObjectMapper().readTree(Files.readAllBytes(adapter.resolve("adapter_config.json")));
    assertEquals("LORA", config.get("peft_type").asText());
    assertEquals(8, config.get("r").asInt());
    assertEquals(16, config.get("lora_alpha").asInt());
    Safetensors.Header header =
        Safetensors.readHeader(adapter.resolve("adapter_model.safetensors"));
    assertTrue(
        header
            .tensors()
            .containsKey("base_model.model.model.layers.0.mlp.gate_proj.lora_A.weight"));
    assertTrue(
        header
            .tensors()
            .containsKey("base_model.model.model.layers.4.mlp.down_proj.lora_B.weight"));
    assertEquals(30, header.tensors().size());
    assertEquals(
        "F32",
        header.tensors().get("base_model.model.model.layers.0.mlp.up_proj.lora_B.weight").dtype());

    model.removeLora();
    assertNotEquals(0f, maxAbsDiff(trained, logits(batch)));
    try (LlamaModel reloaded =
        LlamaModel.load(SharedModels.stories260K(), adapter, ModelOptions.auto())) {
      float[] again =
          reloaded.logits(reloaded.hiddenStates(batch.get(0), batch.get(1), false)).toFloatArray();
      assertEquals(0f, maxAbsDiff(trained, again));
    }
  }

  /** Causal-LM loss on the batch, backward, one AdamW step on the trainable parameters. */
  private void trainStep(NDList batch) {
    Optimizer adamW = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-2f)).build();
    try (GradientCollector collector =
        Engine.getEngine(ModelOptions.ENGINE).newGradientCollector()) {
      NDArray logits = model.logits(model.hiddenStates(batch.get(0), batch.get(1), true));
      collector.backward(CausalLmLoss.mean(logits, batch.get(0), batch.get(1)));
    }
    for (Parameter p : model.trainableParameters()) {
      adamW.update(p.getId(), p.getArray(), p.getArray().getGradient());
    }
  }

  private static Map<String, float[]> snapshot(Map<String, Parameter> parameters) {
    Map<String, float[]> out = new HashMap<>();
    parameters.forEach((name, p) -> out.put(name, p.getArray().toFloatArray()));
    return out;
  }

  static float maxAbs(float[] values) {
    float max = 0;
    for (float v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  static float maxAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
