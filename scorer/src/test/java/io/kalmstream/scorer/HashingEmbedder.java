package io.kalmstream.scorer;

import io.kalmstream.model.TextEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic stand-in for the language model in topology tests: a text's embedding is the
 * normalised sum of one pseudo-random vector per word (seeded by the word and a salt), so texts
 * that share words are close. {@code collapse} pulls every vector towards one direction, the
 * failure the drift alert watches for; {@code wholeText} hashes the text as one word, so related
 * texts are no closer than unrelated ones (a model that forgot everything).
 */
final class HashingEmbedder implements TextEmbedder {
  static final int DIM = 48;

  /** A text containing it makes the forward pass fail, like an engine error would. */
  static final String FAILING_WORD = "kaboom";

  private final long salt;
  private final double collapse;
  private final boolean wholeText;
  final AtomicInteger calls = new AtomicInteger();
  final List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());
  volatile boolean closed;

  HashingEmbedder(long salt, double collapse, boolean wholeText) {
    this.wholeText = wholeText;
    this.salt = salt;
    this.collapse = collapse;
  }

  @Override
  public float[][] embed(List<String> texts) {
    if (closed) {
      throw new IllegalStateException("embedder used after close");
    }
    calls.incrementAndGet();
    if (texts.stream().anyMatch(t -> t.contains(FAILING_WORD))) {
      throw new IllegalStateException("simulated engine failure");
    }
    batchSizes.add(texts.size());
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      out[i] = embed(texts.get(i));
    }
    return out;
  }

  private float[] embed(String text) {
    double[] sum = new double[DIM];
    String[] words =
        wholeText
            ? new String[] {text}
            : text.toLowerCase(java.util.Locale.ROOT).split("[^a-z0-9]+");
    for (String word : words) {
      if (word.isEmpty() || word.equals("inverse")) {
        continue;
      }
      SplittableRandom random = new SplittableRandom(word.hashCode() * 0x9E3779B97F4A7C15L + salt);
      for (int c = 0; c < DIM; c++) {
        sum[c] += random.nextGaussian();
      }
    }
    normalise(sum);
    sum[0] += collapse;
    normalise(sum);
    float[] v = new float[DIM];
    for (int c = 0; c < DIM; c++) {
      v[c] = (float) sum[c];
    }
    return v;
  }

  private static void normalise(double[] v) {
    double n = 0;
    for (double x : v) {
      n += x * x;
    }
    n = Math.sqrt(n);
    for (int c = 0; c < v.length; c++) {
      v[c] = n == 0 ? 0 : v[c] / n;
    }
  }

  @Override
  public int dimension() {
    return DIM;
  }

  @Override
  public void close() {
    closed = true;
  }
}
