package io.kalmstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A shared prefix run once must give every row what the whole row run on its own gives. */
class SharedPrefixTest {

  private static final String PREFIX = "Once upon a time there was a little girl named Lily. She";
  private static final List<String> SUFFIXES =
      List.of(
          " liked to play outside in the sun.",
          " ran.",
          " had a big red ball that she loved very much.");

  private static LlamaModel model;

  @BeforeAll
  static void load() {
    model = LlamaModel.load(SharedModels.stories260K(), ModelOptions.auto());
    model.addLora(LoraConfig.kalmDefault(), 5);
    // B is zero after init: give it values, so the adapter takes part in the comparison
    model
        .adapterParameters()
        .values()
        .forEach(
            p -> {
              NDArray a = p.getArray();
              a.set(
                  a.getManager()
                      .randomNormal(0, 0.05f, a.getShape(), a.getDataType())
                      .toFloatArray());
            });
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void prefixedPassEqualsTheFullPassOnEveryRow() {
    long[] prefix = model.tokenizer().encode(PREFIX, 256);
    List<long[]> suffixes = new ArrayList<>();
    List<long[]> full = new ArrayList<>();
    for (String s : SUFFIXES) {
      long[] ids = model.tokenizer().encodeContinuation(s);
      suffixes.add(ids);
      long[] row = Arrays.copyOf(prefix, prefix.length + ids.length);
      System.arraycopy(ids, 0, row, prefix.length, ids.length);
      full.add(row);
    }
    try (NDManager scope = NDManager.newBaseManager(model.device(), ModelOptions.ENGINE)) {
      TokenBatch suffixBatch = TokenBatch.rightPadded(suffixes, model.tokenizer().padId());
      var suffixArrays = suffixBatch.toNDList(scope);
      NDArray prefixed =
          model.hiddenStatesPrefixed(
              scope.create(prefix, new Shape(1, prefix.length)),
              suffixArrays.get(0),
              suffixArrays.get(1),
              false);
      assertEquals(
          new Shape(SUFFIXES.size(), suffixBatch.width(), model.config().hiddenSize()),
          prefixed.getShape());
      var fullArrays = TokenBatch.rightPadded(full, model.tokenizer().padId()).toNDList(scope);
      NDArray whole = model.hiddenStates(fullArrays.get(0), fullArrays.get(1), false);
      for (int row = 0; row < SUFFIXES.size(); row++) {
        int length = suffixes.get(row).length;
        float[] expected =
            whole
                .get(new NDIndex("{}, {}:{}", row, prefix.length, prefix.length + length))
                .toFloatArray();
        float[] actual = prefixed.get(new NDIndex("{}, 0:{}", row, length)).toFloatArray();
        float diff = LoraAdapterTest.maxAbsDiff(expected, actual);
        assertTrue(diff < 1e-4f, "row " + row + " max diff " + diff);
      }
    }
  }

  @Test
  void truncateCutsAtATokenBoundaryAndKeepsShortTexts() {
    LlamaTokenizer tokenizer = model.tokenizer();
    String text =
        "the little dog barked at the big red ball in the garden and then it ran away very fast";
    assertEquals("a cat", tokenizer.truncate("  a cat ", 50));
    for (int max : new int[] {1, 5, 12}) {
      String cut = tokenizer.truncate(text, max);
      assertTrue(text.startsWith(cut), cut);
      int tokens = tokenizer.encodeContinuation(cut).length;
      assertTrue(
          tokens <= max && tokens >= max - 1,
          max + " tokens asked, " + tokens + " kept: '" + cut + "'");
    }
  }

  @Test
  void lossAtTargetsEqualsTheFullLoss() {
    try (NDManager scope = NDManager.newBaseManager(model.device(), ModelOptions.ENGINE)) {
      TokenBatch batch =
          model.tokenizer().encodeBatch(SUFFIXES.stream().map(s -> PREFIX + s).toList(), 64);
      long[][] mask = new long[batch.size()][batch.width()];
      for (int row = 0; row < batch.size(); row++) {
        for (int t = batch.lengths()[row] / 2; t < batch.lengths()[row]; t++) {
          mask[row][t] = 1;
        }
      }
      var arrays = batch.toNDList(scope);
      NDArray hidden = model.hiddenStates(arrays.get(0), arrays.get(1), false);
      long[] flat = Arrays.stream(mask).flatMapToLong(Arrays::stream).toArray();
      float full =
          CausalLmLoss.mean(
                  model.logits(hidden),
                  arrays.get(0),
                  scope.create(flat, new Shape(batch.size(), batch.width())))
              .getFloat();
      float atTargets =
          CausalLmLoss.meanAtTargets(hidden, batch.ids(), mask, model::logits).getFloat();
      assertEquals(full, atTargets, 1e-5f * Math.abs(full));
    }
  }
}
