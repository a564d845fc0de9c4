package io.kalmstream.model;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TextEmbedder} over a {@link LlamaModel}: texts are tokenized (truncated to {@code
 * maxTokens}), sorted by length and cut into micro-batches whose padded size B·T stays under a
 * token budget, so little compute goes to padding. When the engine runs out of memory the budget
 * halves and the batch is retried; the smaller budget is kept for later calls.
 */
public final class LlamaTextEmbedder implements TextEmbedder {

  /**
   * Padded tokens per micro-batch: activations of a 7B-class model for this many tokens fit a 24 GB
   * GPU.
   */
  public static final int DEFAULT_TOKEN_BUDGET = 8192;

  private static final Logger LOG = LoggerFactory.getLogger(LlamaTextEmbedder.class);

  private final LlamaModel model;
  private final int maxTokens;
  private final boolean ownsModel;
  private int tokenBudget;

  /**
   * @param ownsModel whether {@link #close()} closes the model too
   */
  public LlamaTextEmbedder(LlamaModel model, int maxTokens, int tokenBudget, boolean ownsModel) {
    if (maxTokens < 1 || tokenBudget < maxTokens) {
      throw new IllegalArgumentException(
          "need 1 <= maxTokens <= tokenBudget, got maxTokens "
              + maxTokens
              + ", tokenBudget "
              + tokenBudget);
    }
    this.model = model;
    this.maxTokens = maxTokens;
    this.tokenBudget = tokenBudget;
    this.ownsModel = ownsModel;
  }

  @Override
  public float[][] embed(List<String> texts) {
    List<long[]> encoded = new ArrayList<>(texts.size());
    for (String text : texts) {
      encoded.add(model.tokenizer().encode(text, maxTokens));
    }
    List<Integer> order = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingInt(i -> encoded.get(i).length));
    float[][] out = new float[texts.size()][];
    int start = 0;
    while (start < order.size()) {
      int end = batchEnd(order, encoded, start);
      try {
        embedBatch(order.subList(start, end), encoded, out);
        start = end;
      } catch (EngineException e) {
        if (!isOutOfMemory(e) || end - start == 1) {
          throw e;
        }
        tokenBudget = Math.max(maxTokens, tokenBudget / 2);
        LOG.warn(
            "out of memory on a batch of {} texts; token budget lowered to {}",
            end - start,
            tokenBudget);
      }
    }
    return out;
  }

  /**
   * Texts are sorted by length, so the last one in a batch is the longest: B·T = count·len(last).
   */
  private int batchEnd(List<Integer> order, List<long[]> encoded, int start) {
    int end = start + 1;
    while (end < order.size()
        && (long) (end + 1 - start) * encoded.get(order.get(end)).length <= tokenBudget) {
      end++;
    }
    return end;
  }

  private void embedBatch(List<Integer> indices, List<long[]> encoded, float[][] out) {
    List<long[]> sequences = new ArrayList<>(indices.size());
    indices.forEach(i -> sequences.add(encoded.get(i)));
    TokenBatch batch = TokenBatch.rightPadded(sequences, model.tokenizer().padId());
    try (NDManager scope = NDManager.newBaseManager(model.device(), ModelOptions.ENGINE)) {
      NDList inputs = batch.toNDList(scope);
      NDArray embeddings = model.embeddings(inputs.get(0), inputs.get(1), false);
      float[] flat = embeddings.toFloatArray();
      int h = dimension();
      for (int row = 0; row < indices.size(); row++) {
        float[] vector = new float[h];
        System.arraycopy(flat, row * h, vector, 0, h);
        out[indices.get(row)] = vector;
      }
    }
  }

  private static boolean isOutOfMemory(EngineException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("out of memory") || message.contains("not enough memory");
  }

  @Override
  public int dimension() {
    return model.config().hiddenSize();
  }

  /** Current padded-token budget per micro-batch (halved after an out-of-memory error). */
  public int tokenBudget() {
    return tokenBudget;
  }

  @Override
  public void close() {
    if (ownsModel) {
      model.close();
    }
  }
}
