package io.kalmstream.batching;

import io.kalmstream.schemas.ContrastivePair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Pairs waiting for a contrastive batch, in arrival order. A batch takes the oldest pairs whose
 * tails are distinct; a pair whose tail is already in the batch waits for the next one instead of
 * being dropped. The list is the caller's, so the Flink job can keep it in state and wrap it again
 * after a restore.
 */
public final class DistinctTailPacker {
  private final List<ContrastivePair> pending;

  public DistinctTailPacker(List<ContrastivePair> pending) {
    this.pending = pending;
  }

  public DistinctTailPacker() {
    this(new ArrayList<>());
  }

  public void add(ContrastivePair pair) {
    pending.add(pair);
  }

  public List<ContrastivePair> pending() {
    return pending;
  }

  public boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Whether {@code n} pending pairs with distinct tails exist. */
  public boolean canFill(int n) {
    Set<String> tails = new HashSet<>();
    for (ContrastivePair pair : pending) {
      if (tails.add(pair.getTail()) && tails.size() >= n) {
        return true;
      }
    }
    return false;
  }

  /** Removes and returns up to {@code n} of the oldest pending pairs with distinct tails. */
  public List<ContrastivePair> take(int n) {
    List<ContrastivePair> taken = new ArrayList<>(n);
    Set<String> tails = new HashSet<>();
    Iterator<ContrastivePair> it = pending.iterator();
    while (it.hasNext() && taken.size() < n) {
      ContrastivePair pair = it.next();
      if (tails.add(pair.getTail())) {
        taken.add(pair);
        it.remove();
      }
    }
    return taken;
  }

  /** Removes every pending pair made from the given triple (either direction); returns how many. */
  public int removeTriple(String tripleId) {
    int before = pending.size();
    pending.removeIf(pair -> Examples.sourceTripleId(pair).equals(tripleId));
    return before - pending.size();
  }
}
