package io.kalmstream.batching;

import io.kalmstream.schemas.ContrastivePair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A reservoir sample of past pairs held in memory; the Flink job keeps the same reservoir in keyed state. */
public final class ReplayBuffer implements ReservoirSampling.Slots {
  private final int capacity;
  private final long seed;
  private final List<ContrastivePair> items = new ArrayList<>();
  private long seen;
  private long draws;

  public ReplayBuffer(int capacity, long seed) {
    if (capacity < 0) {
      throw new IllegalArgumentException("replay capacity must be >= 0, got " + capacity);
    }
    this.capacity = capacity;
    this.seed = seed;
  }

  public void offer(ContrastivePair pair) {
    int slot = ReservoirSampling.slotFor(seen++, capacity, seed);
    if (slot < 0) {
      return;
    }
    // retractions shrink the reservoir below the slots the sampling counts with: append instead of leaving a gap
    if (slot >= items.size()) {
      items.add(pair);
    } else {
      items.set(slot, pair);
    }
  }

  public List<ContrastivePair> draw(int k, Set<String> excludedTails) {
    return ReservoirSampling.draw(this, k, excludedTails, seed, draws++);
  }

  /** Forgets every pair made from a retracted triple, so it is not trained on again. */
  public int removeTriple(String tripleId) {
    int removed = 0;
    for (int i = items.size() - 1; i >= 0; i--) {
      if (Examples.sourceTripleId(items.get(i)).equals(tripleId)) {
        items.set(i, items.get(items.size() - 1));
        items.remove(items.size() - 1);
        removed++;
      }
    }
    return removed;
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public ContrastivePair get(int slot) {
    return items.get(slot);
  }
}
