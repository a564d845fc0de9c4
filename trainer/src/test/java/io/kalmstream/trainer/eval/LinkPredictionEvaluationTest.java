package io.kalmstream.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TextViews;
import io.kalmstream.model.TextEmbedder;
import io.kalmstream.model.eval.BidirectionalMetrics;
import io.kalmstream.model.eval.EmbeddingMatrix;
import io.kalmstream.model.eval.RankingMetrics;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A five-entity graph with fixed embeddings whose ranks are worked out by hand, ties and filtering
 * included.
 *
 * <pre>
 * entities a (0,0,1)  b (1,0,0)  c (0.8,0.6,0)  d (0.6,0.8,0)  e (0.6,-0.8,0)
 * train (a likes b) (a likes c)   dev (e likes c)   test (a likes d) (e likes b)
 *
 * tail query of (a likes d), q = (1,0,0): b 1 and c 0.8 are known tails of (a, likes), filtered; e ties
 *   d at 0.6 and counts half: rank 1.5 (3.5 unfiltered).
 * tail query of (e likes b), q = (0,1,0): d 0.8 is better; c 0.6 is a known tail through the dev split,
 *   filtered; a ties b at 0: rank 2.5.
 * head query of (a likes d), i.e. (d, inverse likes, ?), q = (0,0,1): a scores 1: rank 1.
 * head query of (e likes b), q = (0,-0.6,0.8): a 0.8 is a known head of (likes, b), filtered; e 0.48 is
 *   the best of the rest: rank 1 (2 unfiltered).
 * </pre>
 */
class LinkPredictionEvaluationTest {

  static final Map<String, float[]> ENTITY_VECTORS = new LinkedHashMap<>();

  static {
    ENTITY_VECTORS.put("a", new float[] {0, 0, 1});
    ENTITY_VECTORS.put("b", new float[] {1, 0, 0});
    ENTITY_VECTORS.put("c", new float[] {0.8f, 0.6f, 0});
    ENTITY_VECTORS.put("d", new float[] {0.6f, 0.8f, 0});
    ENTITY_VECTORS.put("e", new float[] {0.6f, -0.8f, 0});
  }

  static final float[] TAIL_Q_AD = {1, 0, 0};
  static final float[] TAIL_Q_EB = {0, 1, 0};
  static final float[] HEAD_Q_AD = {0, 0, 1};
  static final float[] HEAD_Q_EB = {0, -0.6f, 0.8f};

  static KgDataset handMadeGraph(boolean withDev) {
    Map<String, EntityDescription> entities = new LinkedHashMap<>();
    for (String[] e :
        new String[][] {
          {"a", "alpha, first letter"},
          {"b", "bravo, second letter"},
          {"c", "charlie"},
          {"d", "delta, fourth letter"},
          {"e", "echo, fifth letter"}
        }) {
      entities.put(e[0], KgDatasetReader.entity(e[0], e[1]));
    }
    Map<String, RelationDescription> relations = new LinkedHashMap<>();
    relations.put("likes", new RelationDescription("likes", "likes", ""));
    return new KgDataset(
        entities,
        relations,
        List.of(triple("a", "b", "train"), triple("a", "c", "train")),
        withDev ? List.of(triple("e", "c", "dev")) : List.of(),
        List.of(triple("a", "d", "test"), triple("e", "b", "test")));
  }

  static Triple triple(String head, String tail, String split) {
    return Triple.newBuilder()
        .setHead(head)
        .setRelation("likes")
        .setTail(tail)
        .setSplit(split)
        .build();
  }

  static EmbeddingMatrix entityMatrix() {
    return EmbeddingMatrix.of(ENTITY_VECTORS.values().toArray(float[][]::new));
  }

  @Test
  void ranksAreFilteredOverEverySplitAndTiesCountHalf() {
    KgDataset kg = handMadeGraph(true);
    LinkPredictionEvaluation evaluation = new LinkPredictionEvaluation(kg, TextViews.defaults());
    BidirectionalMetrics metrics =
        evaluation.rank(
            entityMatrix(),
            kg.test(),
            new float[][] {TAIL_Q_AD, TAIL_Q_EB},
            new float[][] {HEAD_Q_AD, HEAD_Q_EB});

    // tail ranks 1.5 and 2.5
    assertFigures(metrics.tail(), 2.0, (1 / 1.5 + 1 / 2.5) / 2, 0, 1, 1);
    // head ranks 1 and 1
    assertFigures(metrics.head(), 1.0, 1.0, 1, 1, 1);
    // the average pools the four ranks
    assertFigures(metrics.both(), 1.5, (1 / 1.5 + 1 / 2.5 + 2) / 4, 0.5, 1, 1);
  }

  @Test
  void aTrueAnswerKnownOnlyFromTheDevSplitIsFilteredToo() {
    KgDataset withoutDev = handMadeGraph(false);
    BidirectionalMetrics metrics =
        new LinkPredictionEvaluation(withoutDev, TextViews.defaults())
            .rank(
                entityMatrix(),
                withoutDev.test(),
                new float[][] {TAIL_Q_AD, TAIL_Q_EB},
                new float[][] {HEAD_Q_AD, HEAD_Q_EB});
    // without (e likes c), c at 0.6 beats b in the tail query of (e likes b): 2.5 becomes 3.5
    assertFigures(metrics.tail(), 2.5, (1 / 1.5 + 1 / 3.5) / 2, 0, 0.5, 1);
  }

  @Test
  void queriesAreTheTextViewsOfBothDirections() {
    KgDataset kg = handMadeGraph(true);
    LinkPredictionEvaluation evaluation = new LinkPredictionEvaluation(kg, TextViews.defaults());
    assertEquals(
        List.of("[alpha, first letter, likes]", "[delta, fourth letter, inverse likes]"),
        evaluation.queryTexts(kg.test().get(0)));
    assertEquals("{charlie}", evaluation.entityTexts().get(2));

    Map<String, float[]> table = new HashMap<>();
    List<String> entityTexts = evaluation.entityTexts();
    List<float[]> vectors = new ArrayList<>(ENTITY_VECTORS.values());
    for (int i = 0; i < entityTexts.size(); i++) {
      table.put(entityTexts.get(i), vectors.get(i));
    }
    table.put("[alpha, first letter, likes]", TAIL_Q_AD);
    table.put("[delta, fourth letter, inverse likes]", HEAD_Q_AD);
    table.put("[echo, fifth letter, likes]", TAIL_Q_EB);
    table.put("[bravo, second letter, inverse likes]", HEAD_Q_EB);
    try (TableEmbedder embedder = new TableEmbedder(table)) {
      EmbeddingMatrix entities = EmbeddingMatrix.of(embedder.embed(entityTexts).clone());
      BidirectionalMetrics metrics = evaluation.evaluate(embedder, entities, kg.test());
      assertFigures(metrics.both(), 1.5, (1 / 1.5 + 1 / 2.5 + 2) / 4, 0.5, 1, 1);
    }
  }

  @Test
  void selectionSkipsTriplesWithoutDescriptionsAndSamplesReproducibly() {
    KgDataset kg = handMadeGraph(true);
    List<Triple> split = new ArrayList<>(kg.test());
    split.add(
        Triple.newBuilder()
            .setHead("a")
            .setRelation("likes")
            .setTail("zulu")
            .setSplit("test")
            .build());
    split.add(
        Triple.newBuilder()
            .setHead("a")
            .setRelation("hates")
            .setTail("b")
            .setSplit("test")
            .build());
    LinkPredictionEvaluation evaluation = new LinkPredictionEvaluation(kg, TextViews.defaults());

    LinkPredictionEvaluation.Selection all = evaluation.select(split, 0, 1);
    assertEquals(kg.test(), all.rankable());
    assertEquals(2, all.skipped().size());

    LinkPredictionEvaluation.Selection one = evaluation.select(split, 1, 5);
    assertEquals(1, one.rankable().size());
    assertEquals(one, evaluation.select(split, 1, 5));
    assertEquals(kg.test(), evaluation.select(split, 10, 5).rankable());
  }

  @Test
  void anEntityMatrixOfAnotherSizeIsRefused() {
    KgDataset kg = handMadeGraph(true);
    LinkPredictionEvaluation evaluation = new LinkPredictionEvaluation(kg, TextViews.defaults());
    EmbeddingMatrix four =
        EmbeddingMatrix.of(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}});
    assertThrows(
        IllegalArgumentException.class,
        () ->
            evaluation.rank(
                four,
                kg.test(),
                new float[][] {TAIL_Q_AD, TAIL_Q_EB},
                new float[][] {HEAD_Q_AD, HEAD_Q_EB}));
  }

  static void assertFigures(
      RankingMetrics m, double mr, double mrr, double h1, double h3, double h10) {
    assertEquals(mr, m.meanRank(), 1e-9, "MR");
    assertEquals(mrr, m.meanReciprocalRank(), 1e-9, "MRR");
    assertEquals(h1, m.hitsAt(1), 1e-9, "Hits@1");
    assertEquals(h3, m.hitsAt(3), 1e-9, "Hits@3");
    assertEquals(h10, m.hitsAt(10), 1e-9, "Hits@10");
  }

  /**
   * Fixed vectors looked up by exact text: exact ranks without a model; an unknown text is an
   * error.
   */
  static final class TableEmbedder implements TextEmbedder {
    private final Map<String, float[]> table;

    TableEmbedder(Map<String, float[]> table) {
      this.table = table;
    }

    @Override
    public float[][] embed(List<String> texts) {
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < texts.size(); i++) {
        float[] v = table.get(texts.get(i));
        if (v == null) {
          throw new IllegalArgumentException("no vector for text '" + texts.get(i) + "'");
        }
        out[i] = v.clone();
      }
      return out;
    }

    @Override
    public int dimension() {
      return 3;
    }

    @Override
    public void close() {}
  }
}
