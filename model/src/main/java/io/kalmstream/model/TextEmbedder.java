package io.kalmstream.model;

import java.util.List;

/**
 * Texts in, L2-normalised sentence embeddings out: the last layer's hidden state at each text's
 * last non-padding token. This is what the scorer and the evaluator see of a model.
 */
public interface TextEmbedder extends AutoCloseable {

  /**
   * One row per text, in input order; every row has {@link #dimension()} entries and unit L2 norm.
   */
  float[][] embed(List<String> texts);

  int dimension();

  @Override
  void close();
}
