package io.kalmstream.model.eval;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exact top-k by dot product (cosine, for unit rows) of a batch of queries against an embedding
 * matrix.
 *
 * <p>The rows are cut into one contiguous range per thread; inside a range, blocks of {@value
 * #ROW_BLOCK} rows are scored against every query of the batch before moving on, so a block is read
 * from memory once per batch rather than once per query. Each range keeps its own bounded heaps,
 * merged at the end. Results are deterministic: equal scores are ordered by ascending row.
 */
public final class TopKSearch implements AutoCloseable {
  static final int ROW_BLOCK = 128;

  /** Queries scored together against each row (see {@link #dot4}). */
  private static final int QUERY_GROUP = 4;

  /** Below this many rows, splitting across threads costs more than it saves. */
  private static final int MIN_ROWS_PER_THREAD = 2048;

  private final int threads;
  private final ExecutorService pool;

  /**
   * @param threads worker threads; 1 runs on the calling thread
   */
  public TopKSearch(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    AtomicInteger counter = new AtomicInteger();
    this.pool =
        threads == 1
            ? null
            : Executors.newFixedThreadPool(
                threads,
                r -> {
                  Thread t = new Thread(r, "topk-search-" + counter.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
  }

  /**
   * @param queries unit query vectors, each of {@code entities.dim()} entries
   * @param k candidates per query, at least 1; fewer are returned when fewer rows are eligible
   * @param excluded per query, rows that may not be returned; the array or any element may be null
   * @return per query, the best rows, best first
   */
  public ScoredIndex[][] search(
      EmbeddingMatrix entities, float[][] queries, int k, BitSet[] excluded) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    for (float[] q : queries) {
      if (q.length != entities.dim()) {
        throw new IllegalArgumentException(
            "query has " + q.length + " entries, entities " + entities.dim());
      }
    }
    int n = entities.rows();
    int parts = Math.max(1, Math.min(threads, n / MIN_ROWS_PER_THREAD));
    List<Heap[]> partials = new ArrayList<>(parts);
    if (parts == 1 || pool == null) {
      partials.add(scan(entities, queries, k, excluded, 0, n));
    } else {
      List<Future<Heap[]>> futures = new ArrayList<>(parts);
      for (int p = 0; p < parts; p++) {
        int from = (int) ((long) n * p / parts);
        int to = (int) ((long) n * (p + 1) / parts);
        futures.add(pool.submit(() -> scan(entities, queries, k, excluded, from, to)));
      }
      for (Future<Heap[]> f : futures) {
        partials.add(join(f));
      }
    }
    ScoredIndex[][] result = new ScoredIndex[queries.length][];
    for (int q = 0; q < queries.length; q++) {
      List<ScoredIndex> all = new ArrayList<>();
      for (Heap[] heaps : partials) {
        heaps[q].drainTo(all);
      }
      all.sort(BEST_FIRST);
      result[q] = all.subList(0, Math.min(k, all.size())).toArray(ScoredIndex[]::new);
    }
    return result;
  }

  private static final Comparator<ScoredIndex> BEST_FIRST =
      Comparator.comparingDouble((ScoredIndex s) -> -s.score())
          .thenComparingInt(ScoredIndex::index);

  private static Heap[] scan(
      EmbeddingMatrix entities, float[][] queries, int k, BitSet[] excluded, int from, int to) {
    float[] data = entities.data();
    int dim = entities.dim();
    Heap[] heaps = new Heap[queries.length];
    for (int q = 0; q < queries.length; q++) {
      heaps[q] = new Heap(k);
    }
    float[] scores = new float[QUERY_GROUP];
    for (int blockStart = from; blockStart < to; blockStart += ROW_BLOCK) {
      int blockEnd = Math.min(to, blockStart + ROW_BLOCK);
      for (int group = 0; group < queries.length; group += QUERY_GROUP) {
        int size = Math.min(QUERY_GROUP, queries.length - group);
        for (int row = blockStart; row < blockEnd; row++) {
          if (size == QUERY_GROUP) {
            dot4(data, row * dim, queries, group, dim, scores);
          } else {
            for (int g = 0; g < size; g++) {
              scores[g] = Vectors.dot(data, row * dim, queries[group + g], 0, dim);
            }
          }
          for (int g = 0; g < size; g++) {
            BitSet skip = excluded == null ? null : excluded[group + g];
            if (skip == null || !skip.get(row)) {
              heaps[group + g].offer(row, scores[g]);
            }
          }
        }
      }
    }
    return heaps;
  }

  /**
   * Four dot products of one row with four queries: each row entry is loaded once for the four
   * multiply-adds, which roughly halves the time of four separate dots.
   */
  private static void dot4(
      float[] data, int offset, float[][] queries, int group, int dim, float[] out) {
    float[] q0 = queries[group];
    float[] q1 = queries[group + 1];
    float[] q2 = queries[group + 2];
    float[] q3 = queries[group + 3];
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int c = 0; c < dim; c++) {
      float x = data[offset + c];
      s0 += x * q0[c];
      s1 += x * q1[c];
      s2 += x * q2[c];
      s3 += x * q3[c];
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
  }

  private static Heap[] join(Future<Heap[]> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during top-k search", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("top-k search failed", e.getCause());
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /**
   * Bounded min-heap on (score, then descending row) keyed in parallel arrays: the root is the
   * weakest kept candidate, so a new row enters only if it beats the root. Rows arrive in ascending
   * order, so on equal scores the earlier (lower) row is kept.
   */
  private static final class Heap {
    private final int[] rows;
    private final float[] scores;
    private int size;

    Heap(int capacity) {
      rows = new int[capacity];
      scores = new float[capacity];
    }

    void offer(int row, float score) {
      if (size < rows.length) {
        rows[size] = row;
        scores[size] = score;
        siftUp(size++);
      } else if (score > scores[0]) {
        rows[0] = row;
        scores[0] = score;
        siftDown(0);
      }
    }

    void drainTo(List<ScoredIndex> out) {
      for (int i = 0; i < size; i++) {
        out.add(new ScoredIndex(rows[i], scores[i]));
      }
    }

    /** True when slot a is weaker than slot b: a lower score, or an equal score and a later row. */
    private boolean weaker(int a, int b) {
      return scores[a] < scores[b] || (scores[a] == scores[b] && rows[a] > rows[b]);
    }

    private void siftUp(int i) {
      while (i > 0) {
        int parent = (i - 1) / 2;
        if (!weaker(i, parent)) {
          return;
        }
        swap(i, parent);
        i = parent;
      }
    }

    private void siftDown(int i) {
      while (true) {
        int left = 2 * i + 1;
        int right = left + 1;
        int weakest = i;
        if (left < size && weaker(left, weakest)) {
          weakest = left;
        }
        if (right < size && weaker(right, weakest)) {
          weakest = right;
        }
        if (weakest == i) {
          return;
        }
        swap(i, weakest);
        i = weakest;
      }
    }

    private void swap(int a, int b) {
      int r = rows[a];
      rows[a] = rows[b];
      rows[b] = r;
      float s = scores[a];
      scores[a] = scores[b];
      scores[b] = s;
    }
  }
}
