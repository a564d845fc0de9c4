package io.kalmstream.trainer.eval;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.TextViews;
import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.LlamaTextEmbedder;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.model.eval.BidirectionalMetrics;
import io.kalmstream.model.eval.EmbeddingMatrix;
import io.kalmstream.schemas.Triple;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a model (and adapter), embeds the entities once per model through the cache, and ranks a
 * split.
 */
public final class ModelEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(ModelEvaluation.class);

  private ModelEvaluation() {}

  /**
   * @param adapterDir a PEFT adapter directory, or null for the base model
   */
  public static EvaluationReport run(
      Path modelDir,
      Path adapterDir,
      KgDataset dataset,
      String datasetName,
      EvaluationSettings settings,
      ModelOptions options) {
    try (LlamaModel model = LlamaModel.load(modelDir, adapterDir, options);
        LlamaTextEmbedder embedder = model.embedder(settings.maxTokens())) {
      // the views are cut in the model's tokens, as the trainer cuts them
      LinkPredictionEvaluation evaluation =
          new LinkPredictionEvaluation(
              dataset, new TextViews(model.tokenizer()::truncate, TextViews.DEFAULT_MAX_TOKENS));
      List<Triple> split = evaluation.split(settings.split());
      LinkPredictionEvaluation.Selection selection =
          evaluation.select(split, settings.limit(), settings.seed());
      long start = System.nanoTime();
      List<String> texts = evaluation.entityTexts();
      EntityEmbeddingCache cache =
          settings.cacheDir() == null ? null : new EntityEmbeddingCache(settings.cacheDir());
      String key =
          cache == null
              ? null
              : EntityEmbeddingCache.key(
                  modelDir,
                  adapterDir,
                  texts,
                  "maxTokens="
                      + settings.maxTokens()
                      + " type="
                      + options.baseType()
                      + " device="
                      + options.device().getDeviceType());
      Optional<EmbeddingMatrix> cached =
          (cache == null ? Optional.<EmbeddingMatrix>empty() : cache.load(key))
              .filter(m -> m.rows() == texts.size() && m.dim() == embedder.dimension());
      EmbeddingMatrix entities;
      if (cached.isPresent()) {
        entities = cached.get();
      } else {
        float[][] rows =
            LinkPredictionEvaluation.embedLogged(embedder, texts, "entities of " + datasetName);
        if (cache != null) {
          cache.store(key, rows);
        }
        entities = EmbeddingMatrix.of(rows);
      }
      double entitySeconds = (System.nanoTime() - start) / 1e9;
      long queriesStart = System.nanoTime();
      BidirectionalMetrics metrics = evaluation.evaluate(embedder, entities, selection.rankable());
      double querySeconds = (System.nanoTime() - queriesStart) / 1e9;
      EvaluationReport report =
          new EvaluationReport(
              modelDir.toString(),
              adapterDir == null ? null : adapterDir.toString(),
              datasetName,
              settings.split(),
              entities.rows(),
              split.size(),
              selection.rankable().size(),
              selection.skipped().size(),
              metrics,
              cached.isPresent(),
              entitySeconds,
              querySeconds);
      LOG.info("{} {}: {}", datasetName, settings.split(), report.average());
      return report;
    }
  }
}
