package io.kalmstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pretrained stories260K model must reproduce llama2.c's documented greedy sample token for
 * token.
 */
class GreedyGenerationTest {

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
  void greedyFromBosReproducesAll200DocumentedIds() throws Exception {
    List<Long> expected = SharedModels.expectedGreedyIds();
    assertEquals(200, expected.size());
    long[] generated =
        model.generateGreedy(new long[] {model.config().bosTokenId()}, 200, List.of());
    List<Long> actual = new ArrayList<>();
    for (long id : generated) {
      actual.add(id);
    }
    assertEquals(expected, actual);
  }

  @Test
  void cachedDecodingMatchesTheFullForwardPass() throws Exception {
    List<Long> expected = SharedModels.expectedGreedyIds();
    long[] sequence = new long[24];
    sequence[0] = model.config().bosTokenId();
    for (int i = 1; i < sequence.length; i++) {
      sequence[i] = expected.get(i - 1);
    }
    try (NDManager scope = NDManager.newBaseManager();
        KvCache cache = new KvCache(model.config(), scope)) {
      NDArray ids = scope.create(sequence, new Shape(1, sequence.length));
      float[] full =
          model.hiddenStates(ids, scope.ones(ids.getShape(), DataType.INT64), false).toFloatArray();
      ParameterStore ps = new ParameterStore(scope, false);
      // a 10-token prefix, then one token at a time
      List<float[]> pieces = new ArrayList<>();
      pieces.add(model.decoder().forwardCached(ps, ids.get(":, 0:10"), cache).toFloatArray());
      for (int i = 10; i < sequence.length; i++) {
        pieces.add(
            model.decoder().forwardCached(ps, ids.get(":, {}:{}", i, i + 1), cache).toFloatArray());
      }
      assertEquals(sequence.length, cache.length());
      float[] incremental = new float[full.length];
      int offset = 0;
      for (float[] piece : pieces) {
        System.arraycopy(piece, 0, incremental, offset, piece.length);
        offset += piece.length;
      }
      assertTrue(LoraAdapterTest.maxAbsDiff(full, incremental) < 1e-5f);
    }
  }

  @Test
  void generatedTextStartsWithTheDocumentedStory() {
    String text = model.generate("", 40, List.of());
    assertTrue(text.startsWith("Once upon a time, there was a little girl named Lily."), text);
  }

  @Test
  void stopIdEndsGenerationBeforeTheStopToken() throws Exception {
    long stop = SharedModels.expectedGreedyIds().get(5);
    long[] generated =
        model.generateGreedy(new long[] {model.config().bosTokenId()}, 200, List.of(stop));
    assertEquals(5, generated.length);
  }
}
