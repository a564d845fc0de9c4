package io.kalmstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Right padding must not change what the model computes for the real tokens. */
class PaddingInvarianceTest {

  private static final String SHORT = "A cat sat.";
  private static final List<String> BATCH =
      List.of(
          "Lily and Ben went to the park to play on the swings every day after school.",
          SHORT,
          "The little dog barked at the big red ball in the garden.");

  private static LlamaModel model;

  @BeforeAll
  static void load() {
    model = LlamaModel.load(SharedModels.stories260K(), ModelOptions.auto());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void embeddingAloneAndInPaddedBatchAgree() {
    try (NDManager scope = NDManager.newBaseManager(model.device(), ModelOptions.ENGINE)) {
      NDList alone = model.tokenizer().encodeBatch(List.of(SHORT), 64).toNDList(scope);
      TokenBatch padded = model.tokenizer().encodeBatch(BATCH, 64);
      assertTrue(
          padded.lengths()[1] < padded.width(), "the short text must be padded in the batch");
      NDList batch = padded.toNDList(scope);

      float[] single = model.embeddings(alone.get(0), alone.get(1), false).toFloatArray();
      NDArray batched = model.embeddings(batch.get(0), batch.get(1), false);
      float[] row = batched.get(1).toFloatArray();
      assertEquals(model.config().hiddenSize(), single.length);
      assertTrue(
          LoraAdapterTest.maxAbsDiff(single, row) < 1e-5f,
          "max diff " + LoraAdapterTest.maxAbsDiff(single, row));
      assertEquals(1.0, norm(single), 1e-5);
    }
  }

  @Test
  void logitsOfRealTokensIgnorePadding() {
    try (NDManager scope = NDManager.newBaseManager(model.device(), ModelOptions.ENGINE)) {
      TokenBatch padded = model.tokenizer().encodeBatch(BATCH, 64);
      NDList alone = model.tokenizer().encodeBatch(List.of(SHORT), 64).toNDList(scope);
      NDList batch = padded.toNDList(scope);
      int length = padded.lengths()[1];
      float[] single =
          model.logits(model.hiddenStates(alone.get(0), alone.get(1), false)).toFloatArray();
      NDArray batchLogits = model.logits(model.hiddenStates(batch.get(0), batch.get(1), false));
      float[] row = batchLogits.get(new NDIndex("1, 0:{}", length)).toFloatArray();
      float diff = LoraAdapterTest.maxAbsDiff(single, row);
      assertTrue(diff < 1e-5f * Math.max(1f, LoraAdapterTest.maxAbs(single)), "max diff " + diff);
    }
  }

  @Test
  void textEmbedderMatchesSingleTextEmbeddingsInInputOrder() {
    try (LlamaTextEmbedder embedder = new LlamaTextEmbedder(model, 64, 64, false)) {
      float[][] all = embedder.embed(BATCH);
      assertEquals(BATCH.size(), all.length);
      for (int i = 0; i < BATCH.size(); i++) {
        float[] alone = embedder.embed(List.of(BATCH.get(i)))[0];
        assertTrue(LoraAdapterTest.maxAbsDiff(alone, all[i]) < 1e-5f, "text " + i);
      }
    }
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
