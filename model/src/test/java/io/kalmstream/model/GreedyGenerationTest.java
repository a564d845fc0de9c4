package io.kalmstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pretrained stories260K model must reproduce llama2.c's documented greedy sample token for token. */
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
    long[] generated = model.generateGreedy(new long[] {model.config().bosTokenId()}, 200, List.of());
    List<Long> actual = new ArrayList<>();
    for (long id : generated) {
      actual.add(id);
    }
    assertEquals(expected, actual);
  }

  @Test
  void generatedTextStartsWithTheDocumentedStory() {
    String text = model.generate("", 40, List.of());
    assertTrue(text.startsWith("Once upon a time, there was a little girl named Lily."), text);
  }

  @Test
  void stopIdEndsGenerationBeforeTheStopToken() throws Exception {
    long stop = SharedModels.expectedGreedyIds().get(5);
    long[] generated = model.generateGreedy(new long[] {model.config().bosTokenId()}, 200, List.of(stop));
    assertEquals(5, generated.length);
  }
}
