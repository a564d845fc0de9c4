package io.kalmstream.model.eval;

/**
 * Running aggregate of link-prediction ranks: MR, MRR and Hits@1/3/10. Mutable and not thread-safe;
 * one instance per direction (tail, head) and model version, combined with {@link #merge}. The
 * paper reports the average over both directions, which is the {@link #merge} of the tail and head
 * aggregates.
 */
public final class RankingMetrics {
  private long count;
  private double sumRank;
  private double sumReciprocalRank;
  private long hits1;
  private long hits3;
  private long hits10;

  public void add(double rank) {
    if (!(rank >= 1)) {
      throw new IllegalArgumentException("a rank is at least 1, got " + rank);
    }
    count++;
    sumRank += rank;
    sumReciprocalRank += 1 / rank;
    hits1 += rank <= 1 ? 1 : 0;
    hits3 += rank <= 3 ? 1 : 0;
    hits10 += rank <= 10 ? 1 : 0;
  }

  /** Adds every observation of {@code other} to this aggregate and returns this. */
  public RankingMetrics merge(RankingMetrics other) {
    count += other.count;
    sumRank += other.sumRank;
    sumReciprocalRank += other.sumReciprocalRank;
    hits1 += other.hits1;
    hits3 += other.hits3;
    hits10 += other.hits10;
    return this;
  }

  public RankingMetrics copy() {
    return new RankingMetrics().merge(this);
  }

  public long count() {
    return count;
  }

  /** Mean rank; NaN while empty. */
  public double meanRank() {
    return sumRank / count;
  }

  /** Mean reciprocal rank; NaN while empty. */
  public double meanReciprocalRank() {
    return sumReciprocalRank / count;
  }

  /** Fraction of ranks at most k, for k in 1, 3 and 10; NaN while empty. */
  public double hitsAt(int k) {
    long hits =
        switch (k) {
          case 1 -> hits1;
          case 3 -> hits3;
          case 10 -> hits10;
          default ->
              throw new IllegalArgumentException("Hits@" + k + " is not tracked; use 1, 3 or 10");
        };
    return (double) hits / count;
  }

  @Override
  public String toString() {
    return String.format(
        "n=%d MR=%.2f MRR=%.4f H@1=%.4f H@3=%.4f H@10=%.4f",
        count, meanRank(), meanReciprocalRank(), hitsAt(1), hitsAt(3), hitsAt(10));
  }
}
