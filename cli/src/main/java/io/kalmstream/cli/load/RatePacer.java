package io.kalmstream.cli.load;

/** Spaces sends so that item i goes out no earlier than i / rate seconds after the first. */
final class RatePacer {
  private final double perSecond;
  private long startNanos = -1;

  /** {@code perSecond} <= 0 means as fast as the producer goes. */
  RatePacer(double perSecond) {
    this.perSecond = perSecond;
  }

  void awaitTurn(long index) throws InterruptedException {
    long now = System.nanoTime();
    if (startNanos < 0) {
      startNanos = now;
    }
    if (perSecond <= 0) {
      return;
    }
    long dueNanos = startNanos + (long) (index * 1e9 / perSecond);
    long waitNanos = dueNanos - now;
    if (waitNanos > 0) {
      Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
    }
  }
}
