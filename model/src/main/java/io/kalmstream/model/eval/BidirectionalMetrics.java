package io.kalmstream.model.eval;

/**
 * Ranking aggregates of both prediction directions: tail, (h, r, ?), and head, (?, r, t) asked as
 * (t, r⁻¹, ?) through the inverse relation. {@link #both()} is the figure the paper reports.
 */
public final class BidirectionalMetrics {
  private final RankingMetrics tail = new RankingMetrics();
  private final RankingMetrics head = new RankingMetrics();

  public enum Direction {
    TAIL,
    HEAD
  }

  public void add(Direction direction, double rank) {
    (direction == Direction.TAIL ? tail : head).add(rank);
  }

  public RankingMetrics tail() {
    return tail.copy();
  }

  public RankingMetrics head() {
    return head.copy();
  }

  /**
   * Tail and head ranks pooled, which averages the two directions when both saw the same triples.
   */
  public RankingMetrics both() {
    return tail.copy().merge(head);
  }
}
