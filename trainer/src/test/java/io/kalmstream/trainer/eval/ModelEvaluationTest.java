package io.kalmstream.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.LoraConfig;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.model.eval.RankingMetrics;
import io.kalmstream.trainer.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real stories260K model on the hand-made graph: the whole path from texts to figures, and the
 * cache.
 */
class ModelEvaluationTest {

  @TempDir Path tmp;

  @Test
  void evaluatesARealModelAndReusesItsCachedEntityEmbeddings() {
    KgDataset kg = LinkPredictionEvaluationTest.handMadeGraph(true);
    EvaluationSettings settings =
        new EvaluationSettings(
            "test", 0, 0, EvaluationSettings.DEFAULT_MAX_TOKENS, tmp.resolve("cache"));
    ModelOptions cpu = ModelOptions.auto();

    EvaluationReport first =
        ModelEvaluation.run(Fixtures.stories260K(), null, kg, "hand-made", settings, cpu);
    assertFalse(first.entityCacheHit());
    assertEquals(2, first.triples());
    assertEquals(5, first.entities());
    RankingMetrics average = first.average();
    assertEquals(4, average.count());
    assertTrue(
        average.meanRank() >= 1 && average.meanRank() <= 4,
        "filtered ranks lie in [1, 4] here: " + average);

    EvaluationReport second =
        ModelEvaluation.run(Fixtures.stories260K(), null, kg, "hand-made", settings, cpu);
    assertTrue(second.entityCacheHit());
    assertEquals(first.figures(), second.figures());

    Path adapter = tmp.resolve("adapter");
    try (LlamaModel model = Fixtures.modelWithAdapter(LoraConfig.kalmDefault(), 3)) {
      model.saveAdapter(adapter);
    }
    EvaluationReport adapted =
        ModelEvaluation.run(Fixtures.stories260K(), adapter, kg, "hand-made", settings, cpu);
    assertFalse(adapted.entityCacheHit(), "another adapter is another cache entry");
  }
}
