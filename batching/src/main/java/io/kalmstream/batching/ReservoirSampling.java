package io.kalmstream.batching;

import io.kalmstream.schemas.ContrastivePair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reservoir sampling (Vitter's algorithm R) and replay draws, with reproducible randomness: the
 * choices are pure functions of the seed and of counters, so a job restored from a checkpoint makes
 * the same choices again. The storage is abstract so the Flink job can keep the reservoir in keyed
 * state and the trainer in a list.
 */
public final class ReservoirSampling {
  /** Read access to the reservoir's slots 0 .. size-1. */
  public interface Slots {
    int size();

    ContrastivePair get(int slot);
  }

  private static final int DRAW_ATTEMPTS_PER_ITEM = 4;

  private ReservoirSampling() {}

  /**
   * The slot the {@code seenBefore}-th offered item (0-based) goes to, or -1 when it is not kept:
   * the first {@code capacity} items fill the reservoir, later ones replace a uniformly chosen slot
   * with probability capacity / (seenBefore + 1), which keeps every item seen so far in the sample
   * with equal probability.
   */
  public static int slotFor(long seenBefore, int capacity, long seed) {
    if (seenBefore < capacity) {
      return (int) seenBefore;
    }
    long j = (long) Math.floor(StableHash.unit(seed, seenBefore) * (seenBefore + 1));
    return j < capacity ? (int) j : -1;
  }

  /**
   * Up to {@code k} items with distinct tails not in {@code excludedTails}, marked as replayed. The
   * {@code drawNumber} (a counter kept by the caller) makes successive draws differ.
   */
  public static List<ContrastivePair> draw(
      Slots slots, int k, Set<String> excludedTails, long seed, long drawNumber) {
    List<ContrastivePair> drawn = new ArrayList<>(k);
    int size = slots.size();
    if (size == 0 || k <= 0) {
      return drawn;
    }
    Set<String> tails = new HashSet<>(excludedTails);
    Set<Integer> tried = new HashSet<>();
    long streamSeed = StableHash.mix(seed ^ StableHash.mix(drawNumber));
    int attempts = DRAW_ATTEMPTS_PER_ITEM * k;
    for (int a = 0; a < attempts && drawn.size() < k && tried.size() < size; a++) {
      int slot = (int) Math.floor(StableHash.unit(streamSeed, a) * size);
      if (!tried.add(slot)) {
        continue;
      }
      ContrastivePair pair = slots.get(slot);
      if (tails.add(pair.getTail())) {
        drawn.add(ContrastiveBatches.asReplayed(pair));
      }
    }
    return drawn;
  }
}
