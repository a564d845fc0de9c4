package io.kalmstream.batching;

import io.kalmstream.schemas.ContrastivePair;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The replay reservoir: a reproducible reservoir sample of past pairs, the draws that fill a
 * batch's free slots from it, and the removal of a retracted triple's pairs. Its contents live in a
 * {@link Store}: in memory here, in keyed state in the Flink job (which passes its own store), so
 * both run this one implementation.
 */
public final class ReplayBuffer implements ReservoirSampling.Slots {

  /**
   * Where the reservoir's dense slots (0 .. size-1) and its two counters are kept. A store need not
   * be serializable: the Flink job builds one over its keyed state in {@code open}.
   */
  public interface Store {
    int size();

    void setSize(int size);

    ContrastivePair get(int slot);

    void put(int slot, ContrastivePair pair);

    void remove(int slot);

    /** Pairs offered so far. */
    long seen();

    void setSeen(long seen);

    /** Draws made so far; each draw's randomness depends on its index. */
    long draws();

    void setDraws(long draws);
  }

  private final int capacity;
  private final long seed;
  private final Store store;

  public ReplayBuffer(int capacity, long seed) {
    this(capacity, seed, new InMemory());
  }

  public ReplayBuffer(int capacity, long seed, Store store) {
    if (capacity < 0) {
      throw new IllegalArgumentException("replay capacity must be >= 0, got " + capacity);
    }
    this.capacity = capacity;
    this.seed = seed;
    this.store = store;
  }

  public void offer(ContrastivePair pair) {
    long seen = store.seen();
    store.setSeen(seen + 1);
    int slot = ReservoirSampling.slotFor(seen, capacity, seed);
    if (slot < 0) {
      return;
    }
    int size = store.size();
    // retractions shrink the reservoir below the slots the sampling counts with: append instead of
    // leaving a gap
    if (slot >= size) {
      store.put(size, pair);
      store.setSize(size + 1);
    } else {
      store.put(slot, pair);
    }
  }

  /** Up to {@code k} pairs whose tails are not in {@code excludedTails} (nor repeat each other). */
  public List<ContrastivePair> draw(int k, Set<String> excludedTails) {
    long draw = store.draws();
    store.setDraws(draw + 1);
    return ReservoirSampling.draw(this, k, excludedTails, seed, draw);
  }

  /**
   * Forgets every pair made from a retracted triple, so it is not trained on again; the last slot
   * moves into each hole so the slots stay dense.
   */
  public int removeTriple(String tripleId) {
    int size = store.size();
    int removed = 0;
    for (int slot = size - 1; slot >= 0; slot--) {
      ContrastivePair pair = store.get(slot);
      if (pair != null && Examples.sourceTripleId(pair).equals(tripleId)) {
        int last = size - 1;
        if (slot != last) {
          store.put(slot, store.get(last));
        }
        store.remove(last);
        size--;
        removed++;
      }
    }
    store.setSize(size);
    return removed;
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public ContrastivePair get(int slot) {
    return store.get(slot);
  }

  /** A store in memory. */
  static final class InMemory implements Store {
    private final Map<Integer, ContrastivePair> slots = new HashMap<>();
    private int size;
    private long seen;
    private long draws;

    @Override
    public int size() {
      return size;
    }

    @Override
    public void setSize(int size) {
      this.size = size;
    }

    @Override
    public ContrastivePair get(int slot) {
      return slots.get(slot);
    }

    @Override
    public void put(int slot, ContrastivePair pair) {
      slots.put(slot, pair);
    }

    @Override
    public void remove(int slot) {
      slots.remove(slot);
    }

    @Override
    public long seen() {
      return seen;
    }

    @Override
    public void setSeen(long seen) {
      this.seen = seen;
    }

    @Override
    public long draws() {
      return draws;
    }

    @Override
    public void setDraws(long draws) {
      this.draws = draws;
    }
  }
}
