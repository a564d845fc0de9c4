package io.kalmstream.trainer.eval;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.TextViews;
import io.kalmstream.model.TextEmbedder;
import io.kalmstream.model.eval.BidirectionalMetrics;
import io.kalmstream.model.eval.BidirectionalMetrics.Direction;
import io.kalmstream.model.eval.EmbeddingMatrix;
import io.kalmstream.model.eval.FilteredRank;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KaLM link-prediction protocol over a file dataset. Every entity is embedded once through its
 * tail view {@code "{name, description}"}; each triple (h, r, t) of the split is asked twice, as a
 * tail query {@code "[D_h, D_r]"} ranked for t and as a head query {@code "[D_t, inverse D_r]"}
 * ranked for h, in the filtered setting over train, dev and test. The rank and the metrics are
 * those of {@code model.eval}.
 */
public final class LinkPredictionEvaluation {

  /** Part of the entity-embedding cache key: bump it whenever the text views of entities change. */
  public static final int TEXT_VIEW_VERSION = 1;

  private static final Logger LOG = LoggerFactory.getLogger(LinkPredictionEvaluation.class);

  /** Texts embedded per call, so that progress shows on long runs. */
  private static final int EMBED_CHUNK = 2048;

  private final KgDataset dataset;
  private final TextViews views;
  private final List<String> entityIds;
  private final Map<String, Integer> rows;
  private final KnownAnswers known;

  public LinkPredictionEvaluation(KgDataset dataset, TextViews views) {
    this.dataset = dataset;
    this.views = views;
    this.entityIds = List.copyOf(dataset.entities().keySet());
    this.rows = new HashMap<>(2 * entityIds.size());
    for (int i = 0; i < entityIds.size(); i++) {
      rows.put(entityIds.get(i), i);
    }
    this.known =
        new KnownAnswers(
            List.of(dataset.train(), dataset.dev(), dataset.test()),
            id -> rows.getOrDefault(id, -1));
  }

  /** Entity ids in embedding-row order. */
  public List<String> entityIds() {
    return entityIds;
  }

  /** The text embedded for each entity, in row order. */
  public List<String> entityTexts() {
    List<String> texts = new ArrayList<>(entityIds.size());
    for (String id : entityIds) {
      texts.add(views.tail(TextViews.entityText(dataset.entities().get(id))));
    }
    return texts;
  }

  /** The triples of a split by name: train, dev or test. */
  public List<Triple> split(String name) {
    return switch (name) {
      case KgDataset.TRAIN -> dataset.train();
      case KgDataset.DEV -> dataset.dev();
      case KgDataset.TEST -> dataset.test();
      default ->
          throw new IllegalArgumentException(
              "unknown split '" + name + "': use train, dev or test");
    };
  }

  /**
   * The triples to rank and the ones that cannot be (an entity or the relation has no description).
   */
  public record Selection(List<Triple> rankable, List<Triple> skipped) {}

  /**
   * The rankable triples of {@code triples}; with {@code limit > 0} and more rankable triples than
   * that, a sample of {@code limit} drawn without replacement by {@code seed} (same seed, same
   * sample), in split order.
   */
  public Selection select(List<Triple> triples, int limit, long seed) {
    List<Triple> rankable = new ArrayList<>();
    List<Triple> skipped = new ArrayList<>();
    for (Triple t : triples) {
      boolean known =
          rows.containsKey(t.getHead())
              && rows.containsKey(t.getTail())
              && dataset.relations().containsKey(t.getRelation());
      (known ? rankable : skipped).add(t);
    }
    if (limit > 0 && rankable.size() > limit) {
      List<Integer> picks = new ArrayList<>(IntStream.range(0, rankable.size()).boxed().toList());
      Collections.shuffle(picks, new Random(seed));
      List<Integer> kept = new ArrayList<>(picks.subList(0, limit));
      Collections.sort(kept);
      List<Triple> sample = new ArrayList<>(limit);
      kept.forEach(i -> sample.add(rankable.get(i)));
      return new Selection(sample, skipped);
    }
    return new Selection(rankable, skipped);
  }

  /**
   * The tail query {@code "[D_h, D_r]"} and the head query {@code "[D_t, inverse D_r]"} of a
   * triple.
   */
  public List<String> queryTexts(Triple t) {
    RelationDescription relation = dataset.relations().get(t.getRelation());
    return List.of(
        views.headRelation(text(t.getHead()), TextViews.relationText(relation, false)),
        views.headRelation(text(t.getTail()), TextViews.relationText(relation, true)));
  }

  /**
   * Embeds both queries of every triple with {@code embedder} and ranks them against {@code
   * entities}, whose rows follow {@link #entityIds()}. The triples must come from {@link #select}.
   */
  public BidirectionalMetrics evaluate(
      TextEmbedder embedder, EmbeddingMatrix entities, List<Triple> triples) {
    List<String> texts = new ArrayList<>(2 * triples.size());
    triples.forEach(t -> texts.addAll(queryTexts(t)));
    float[][] queries = embedLogged(embedder, texts, "queries");
    float[][] tailQueries = new float[triples.size()][];
    float[][] headQueries = new float[triples.size()][];
    for (int i = 0; i < triples.size(); i++) {
      tailQueries[i] = queries[2 * i];
      headQueries[i] = queries[2 * i + 1];
    }
    return rank(entities, triples, tailQueries, headQueries);
  }

  /**
   * Filtered ranks of both directions: row i of {@code tailQueries} is e_hr of triple i, ranked for
   * its tail; row i of {@code headQueries} is e of (t, inverse r), ranked for its head.
   */
  public BidirectionalMetrics rank(
      EmbeddingMatrix entities,
      List<Triple> triples,
      float[][] tailQueries,
      float[][] headQueries) {
    if (entities.rows() != entityIds.size()) {
      throw new IllegalArgumentException(
          "the entity matrix has "
              + entities.rows()
              + " rows for "
              + entityIds.size()
              + " entities");
    }
    if (tailQueries.length != triples.size() || headQueries.length != triples.size()) {
      throw new IllegalArgumentException("one tail and one head query per triple are needed");
    }
    double[] tailRanks = new double[triples.size()];
    double[] headRanks = new double[triples.size()];
    // Each rank reads only shared, immutable data, so the triples are ranked in parallel.
    IntStream.range(0, triples.size())
        .parallel()
        .forEach(
            i -> {
              Triple t = triples.get(i);
              tailRanks[i] =
                  FilteredRank.rank(
                      tailQueries[i],
                      entities,
                      row(t.getTail()),
                      known.tails(t.getHead(), t.getRelation()));
              headRanks[i] =
                  FilteredRank.rank(
                      headQueries[i],
                      entities,
                      row(t.getHead()),
                      known.heads(t.getTail(), t.getRelation()));
            });
    BidirectionalMetrics metrics = new BidirectionalMetrics();
    for (int i = 0; i < triples.size(); i++) {
      metrics.add(Direction.TAIL, tailRanks[i]);
      metrics.add(Direction.HEAD, headRanks[i]);
    }
    return metrics;
  }

  /**
   * Embeds {@code texts} a chunk at a time with one progress line per chunk: long runs show how far
   * they are.
   */
  public static float[][] embedLogged(TextEmbedder embedder, List<String> texts, String what) {
    float[][] out = new float[texts.size()][];
    long start = System.nanoTime();
    for (int from = 0; from < texts.size(); from += EMBED_CHUNK) {
      int to = Math.min(texts.size(), from + EMBED_CHUNK);
      float[][] chunk = embedder.embed(texts.subList(from, to));
      System.arraycopy(chunk, 0, out, from, chunk.length);
      LOG.info(
          "embedded {} of {} {} ({} s)",
          to,
          texts.size(),
          what,
          String.format("%.1f", (System.nanoTime() - start) / 1e9));
    }
    return out;
  }

  private int row(String entityId) {
    Integer row = rows.get(entityId);
    if (row == null) {
      throw new IllegalArgumentException(
          "entity " + entityId + " has no description; select() the triples first");
    }
    return row;
  }

  private String text(String entityId) {
    EntityDescription entity = dataset.entities().get(entityId);
    return TextViews.entityText(entity);
  }
}
