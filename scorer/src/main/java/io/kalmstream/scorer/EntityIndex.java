package io.kalmstream.scorer;

import io.kalmstream.model.eval.Anisotropy;
import io.kalmstream.model.eval.EmbeddingMatrix;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embeddings of every entity's D_t view under one model version, written by a single thread and
 * read through immutable {@link Snapshot}s. New entities are appended into spare capacity that
 * published snapshots do not see; changing or removing an existing row copies the arrays first, so
 * a search that holds a snapshot never sees a row change under it.
 */
final class EntityIndex {
  private final ModelHandle model;
  private final int dim;
  private float[] data;
  private String[] ids;
  private String[] views;
  private BitSet removed = new BitSet();
  private final Map<String, Integer> rowOf = new ConcurrentHashMap<>();
  private final double[] sum;
  private int rows;
  private int live;

  /** Set when a published snapshot shares arrays that an in-place change would alter. */
  private boolean shared;

  EntityIndex(ModelHandle model, int initialCapacity) {
    this.model = model;
    this.dim = model.dimension();
    int capacity = Math.max(16, initialCapacity);
    this.data = new float[capacity * dim];
    this.ids = new String[capacity];
    this.views = new String[capacity];
    this.sum = new double[dim];
  }

  /** An immutable view: the rows, ids and texts it covers never change. */
  record Snapshot(
      ModelHandle model,
      EmbeddingMatrix matrix,
      String[] ids,
      String[] views,
      Map<String, Integer> rowOf,
      BitSet removed,
      double[] sum,
      int live) {

    long version() {
      return model.version();
    }

    /** Row of an entity in this snapshot, or -1 when it is not (yet) indexed. */
    int row(String id) {
      Integer r = rowOf.get(id);
      return r != null && r < matrix.rows() && !removed.get(r) ? r : -1;
    }

    String id(int row) {
      return ids[row];
    }

    double anisotropy() {
      return Anisotropy.fromSum(sum, live);
    }

    int size() {
      return live;
    }

    /** Removed rows plus {@code more}, as a fresh set the caller may modify. */
    BitSet excludedWith(BitSet more) {
      BitSet all = (BitSet) removed.clone();
      if (more != null) {
        all.or(more);
      }
      return all;
    }
  }

  ModelHandle model() {
    return model;
  }

  /** The D_t view embedded for an entity, or null when the entity is not indexed. */
  String viewOf(String id) {
    Integer r = rowOf.get(id);
    return r == null || removed.get(r) ? null : views[r];
  }

  List<String> ids() {
    return rowOf.keySet().stream().filter(id -> viewOf(id) != null).toList();
  }

  /** Puts one vector per entity; ids new to the index are appended. */
  void upsert(List<String> entityIds, List<String> entityViews, float[][] vectors) {
    for (int i = 0; i < entityIds.size(); i++) {
      if (vectors[i].length != dim) {
        throw new IllegalArgumentException(
            "embedding of "
                + entityIds.get(i)
                + " has "
                + vectors[i].length
                + " entries, the index "
                + dim);
      }
      Integer existing = rowOf.get(entityIds.get(i));
      int row;
      if (existing == null) {
        ensureCapacity(rows + 1);
        row = rows++;
      } else {
        unshare();
        row = existing;
        if (removed.get(row)) {
          removed.clear(row);
        } else {
          addToSum(row, -1);
          live--;
        }
      }
      System.arraycopy(vectors[i], 0, data, row * dim, dim);
      ids[row] = entityIds.get(i);
      views[row] = entityViews.get(i);
      addToSum(row, 1);
      live++;
      if (existing == null) {
        rowOf.put(entityIds.get(i), row);
      }
    }
  }

  void remove(String id) {
    Integer row = rowOf.get(id);
    if (row == null || removed.get(row)) {
      return;
    }
    unshare();
    removed.set(row);
    addToSum(row, -1);
    live--;
  }

  Snapshot snapshot() {
    shared = true;
    return new Snapshot(
        model,
        new EmbeddingMatrix(data, rows, dim),
        ids,
        views,
        rowOf,
        (BitSet) removed.clone(),
        sum.clone(),
        live);
  }

  private void addToSum(int row, int sign) {
    for (int c = 0; c < dim; c++) {
      sum[c] += sign * data[row * dim + c];
    }
  }

  private void ensureCapacity(int neededRows) {
    if (neededRows <= ids.length) {
      return;
    }
    int capacity = Math.max(neededRows, ids.length * 2);
    data = Arrays.copyOf(data, capacity * dim);
    ids = Arrays.copyOf(ids, capacity);
    views = Arrays.copyOf(views, capacity);
  }

  private void unshare() {
    if (shared) {
      data = data.clone();
      ids = ids.clone();
      views = views.clone();
      shared = false;
    }
  }
}
