package io.kalmstream.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.LoraConfig;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.trainer.checkpoint.TrainerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KalmTrainerTest {

  private static final LoraConfig NO_DROPOUT = LoraConfig.kalmDefault().withDropout(0);

  @TempDir Path temp;

  @Test
  void gradCacheAccumulationGivesTheFullBatchUpdate() {
    ContrastiveBatch batch = Fixtures.contrastiveBatches(1, 12).get(0);
    Map<String, float[]> whole;
    Map<String, float[]> chunked;
    double wholeLoss;
    double chunkedLoss;
    try (LlamaModel model = Fixtures.modelWithAdapter(NO_DROPOUT, 1);
        KalmTrainer trainer = new KalmTrainer(model, settings(0, NO_DROPOUT))) {
      wholeLoss = trainer.train(batch, List.of()).contrastiveLoss();
      whole = adapter(model);
    }
    try (LlamaModel model = Fixtures.modelWithAdapter(NO_DROPOUT, 1);
        KalmTrainer trainer = new KalmTrainer(model, settings(5, NO_DROPOUT))) {
      chunkedLoss = trainer.train(batch, List.of()).contrastiveLoss();
      chunked = adapter(model);
    }
    assertEquals(wholeLoss, chunkedLoss, 1e-4);
    for (String name : whole.keySet()) {
      assertArrayEquals(whole.get(name), chunked.get(name), 1e-6f, name);
    }
  }

  @Test
  void repeatedStepsOnOneBatchLowerBothLosses() {
    ContrastiveBatch batch = Fixtures.contrastiveBatches(1, 8).get(0);
    InstructionBatch instructions = Fixtures.instructionBatches(1, 2).get(0);
    TrainerSettings fast = withLearningRate(settings(0, LoraConfig.kalmDefault()), 1e-2);
    try (LlamaModel model = Fixtures.modelWithAdapter(LoraConfig.kalmDefault(), 3);
        KalmTrainer trainer = new KalmTrainer(model, fast)) {
      StepResult first = trainer.train(batch, List.of(instructions));
      StepResult last = first;
      for (int i = 0; i < 9; i++) {
        last = trainer.train(batch, List.of(instructions));
      }
      assertTrue(last.contrastiveLoss() < first.contrastiveLoss(), first + " -> " + last);
      assertTrue(last.instructionLoss() < first.instructionLoss(), first + " -> " + last);
      assertNotEquals(first.tau(), last.tau());
      assertEquals(10, trainer.step());
      assertTrue(first.tokens() > 0 && first.pairs() == 8);
    }
  }

  @Test
  void trainsOnAFreshThreadWherePyTorchStartsWithGradModeOn() throws Exception {
    ContrastiveBatch batch = Fixtures.contrastiveBatches(1, 8).get(0);
    try (LlamaModel model = Fixtures.modelWithAdapter(LoraConfig.kalmDefault(), 3);
        KalmTrainer trainer = new KalmTrainer(model, settings(0, LoraConfig.kalmDefault()))) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread worker =
          new Thread(
              () -> {
                try {
                  trainer.train(batch, List.of());
                } catch (Throwable t) {
                  failure.set(t);
                }
              },
              "fresh-training-thread");
      worker.start();
      worker.join();
      assertNull(failure.get(), () -> "step on a new thread failed: " + failure.get());
      assertEquals(1, trainer.step());
    }
  }

  @Test
  void resumingFromACheckpointContinuesExactly() throws Exception {
    List<ContrastiveBatch> batches = Fixtures.contrastiveBatches(3, 8);
    List<InstructionBatch> instructions = Fixtures.instructionBatches(3, 2);
    TrainerSettings settings = withLearningRate(settings(3, LoraConfig.kalmDefault()), 1e-3);
    Path checkpoint = Files.createDirectories(temp.resolve("ckpt"));
    Map<String, float[]> uninterrupted;
    double uninterruptedTau;
    try (LlamaModel model = Fixtures.modelWithAdapter(LoraConfig.kalmDefault(), 5);
        KalmTrainer trainer = new KalmTrainer(model, settings)) {
      for (int i = 0; i < 2; i++) {
        trainer.train(batches.get(i), List.of(instructions.get(i)));
      }
      TrainerState state =
          new TrainerState(trainer.step(), trainer.tau(), List.of(), 0, "stories260K-hf", Map.of());
      trainer.writeCheckpoint(checkpoint, state);
      trainer.train(batches.get(2), List.of(instructions.get(2)));
      uninterrupted = adapter(model);
      uninterruptedTau = trainer.tau();
    }
    try (LlamaModel model = Fixtures.modelWithAdapter(LoraConfig.kalmDefault(), 99);
        KalmTrainer trainer = new KalmTrainer(model, settings)) {
      model.loadAdapter(checkpoint);
      trainer.resume(checkpoint, TrainerState.read(checkpoint));
      assertEquals(2, trainer.step());
      trainer.train(batches.get(2), List.of(instructions.get(2)));
      Map<String, float[]> resumed = adapter(model);
      assertFalse(resumed.isEmpty());
      for (String name : uninterrupted.keySet()) {
        assertArrayEquals(uninterrupted.get(name), resumed.get(name), 0f, name);
      }
      assertEquals(uninterruptedTau, trainer.tau(), 0);
    }
  }

  @Test
  void float16BaseWeightsTrainThroughTheLossScaler() {
    ContrastiveBatch batch = Fixtures.contrastiveBatches(1, 8).get(0);
    InstructionBatch instructions = Fixtures.instructionBatches(1, 2).get(0);
    TrainerSettings settings = settings(0, NO_DROPOUT);
    double float32Loss;
    try (LlamaModel model = Fixtures.modelWithAdapter(NO_DROPOUT, 4);
        KalmTrainer trainer = new KalmTrainer(model, settings)) {
      float32Loss = trainer.train(batch, List.of(instructions)).contrastiveLoss();
    }
    try (LlamaModel model =
        LlamaModel.load(Fixtures.stories260K(), new ModelOptions(Device.cpu(), DataType.FLOAT16))) {
      model.addLora(NO_DROPOUT, 4);
      try (KalmTrainer trainer = new KalmTrainer(model, settings)) {
        Map<String, float[]> before = adapter(model);
        StepResult result = trainer.train(batch, List.of(instructions));
        assertEquals(float32Loss, result.contrastiveLoss(), 0.05);
        // Like torch's GradScaler, the first steps overflow at scale 2^16 and are skipped while the
        // scale halves.
        while (!Double.isFinite(result.gradientNorm()) && trainer.step() < 30) {
          assertArrayEquals(
              before.values().iterator().next(),
              adapter(model).values().iterator().next(),
              0f,
              "a skipped step leaves the adapter alone");
          result = trainer.train(batch, List.of(instructions));
        }
        assertTrue(
            Double.isFinite(result.instructionLoss()) && Double.isFinite(result.gradientNorm()),
            result.toString());
        assertTrue(
            result.gradientNorm() > 0 && result.gradientNorm() < 1e3,
            "gradients unscaled: " + result);
        Map<String, float[]> after = adapter(model);
        assertTrue(
            before.keySet().stream().anyMatch(k -> !Arrays.equals(before.get(k), after.get(k))),
            "the step updated the adapter");
      }
    }
  }

  static TrainerSettings settings(int chunk, LoraConfig lora) {
    return TrainerSettings.builder()
        .learningRate(1e-4)
        .warmupSteps(0)
        .horizonSteps(100)
        .embeddingChunk(chunk)
        .maxTextTokens(24)
        .lora(lora)
        .build();
  }

  static TrainerSettings withLearningRate(TrainerSettings s, double lr) {
    return s.toBuilder().learningRate(lr).build();
  }

  private static Map<String, float[]> adapter(LlamaModel model) {
    Map<String, float[]> values = new LinkedHashMap<>();
    model.adapterParameters().forEach((name, p) -> values.put(name, p.getArray().toFloatArray()));
    return values;
  }
}
