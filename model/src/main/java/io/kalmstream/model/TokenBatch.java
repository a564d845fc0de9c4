package io.kalmstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Token sequences of different lengths, right-padded to a rectangle.
 *
 * @param ids [B][T] token ids, padding positions hold {@code padId}
 * @param mask [B][T] 1 on tokens, 0 on padding
 * @param lengths [B] number of real tokens per row (at least 1)
 */
public record TokenBatch(long[][] ids, long[][] mask, int[] lengths) {

  /** Right-pads {@code sequences} with {@code padId} to the longest one. */
  public static TokenBatch rightPadded(List<long[]> sequences, long padId) {
    int b = sequences.size();
    int t = 0;
    for (long[] s : sequences) {
      if (s.length == 0) {
        throw new IllegalArgumentException("empty token sequence in batch");
      }
      t = Math.max(t, s.length);
    }
    long[][] ids = new long[b][t];
    long[][] mask = new long[b][t];
    int[] lengths = new int[b];
    for (int i = 0; i < b; i++) {
      long[] s = sequences.get(i);
      lengths[i] = s.length;
      for (int j = 0; j < t; j++) {
        ids[i][j] = j < s.length ? s[j] : padId;
        mask[i][j] = j < s.length ? 1 : 0;
      }
    }
    return new TokenBatch(ids, mask, lengths);
  }

  public int size() {
    return ids.length;
  }

  /** T, the padded length. */
  public int width() {
    return ids.length == 0 ? 0 : ids[0].length;
  }

  /** B·T, what a forward pass over this batch costs in token slots. */
  public long paddedTokens() {
    return (long) size() * width();
  }

  /** {@code NDList(inputIds [B, T] int64, attentionMask [B, T] int64)} in {@code manager}. */
  public NDList toNDList(NDManager manager) {
    return new NDList(toArray(manager, ids), toArray(manager, mask));
  }

  private NDArray toArray(NDManager manager, long[][] rows) {
    long[] flat = new long[size() * width()];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * width(), width());
    }
    return manager.create(flat, new Shape(size(), width()));
  }
}
