package io.kalmstream.model.eval;

import java.util.Arrays;

/**
 * A row-major matrix of embeddings: row i is the vector of item i (an entity, a query). Rows are
 * expected to be L2-normalised, so a dot product is a cosine. The backing array may be longer than
 * {@code rows * dim} (spare capacity for appends); only the first {@code rows} rows are part of the
 * matrix.
 */
public final class EmbeddingMatrix {
  private final float[] data;
  private final int rows;
  private final int dim;

  public EmbeddingMatrix(float[] data, int rows, int dim) {
    if (dim <= 0 || rows < 0 || (long) rows * dim > data.length) {
      throw new IllegalArgumentException(
          "matrix of " + rows + " x " + dim + " does not fit an array of " + data.length);
    }
    this.data = data;
    this.rows = rows;
    this.dim = dim;
  }

  /** Copies the given rows (all of length {@code dim}) into one contiguous matrix. */
  public static EmbeddingMatrix of(float[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException(
          "an embedding matrix needs at least one row to know its dimension");
    }
    int dim = rows[0].length;
    float[] data = new float[rows.length * dim];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != dim) {
        throw new IllegalArgumentException(
            "row " + i + " has " + rows[i].length + " entries, expected " + dim);
      }
      System.arraycopy(rows[i], 0, data, i * dim, dim);
    }
    return new EmbeddingMatrix(data, rows.length, dim);
  }

  public int rows() {
    return rows;
  }

  public int dim() {
    return dim;
  }

  /** The backing array; row i starts at {@code i * dim()}. Shared, not copied: do not modify. */
  float[] data() {
    return data;
  }

  public float[] row(int i) {
    checkRow(i);
    return Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
  }

  /** Dot product of row i with {@code v}. */
  public float dot(int i, float[] v) {
    checkRow(i);
    return Vectors.dot(data, i * dim, v, 0, dim);
  }

  private void checkRow(int i) {
    if (i < 0 || i >= rows) {
      throw new IndexOutOfBoundsException("row " + i + " of " + rows);
    }
  }
}
