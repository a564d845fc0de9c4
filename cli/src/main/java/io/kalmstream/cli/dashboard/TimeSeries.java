package io.kalmstream.cli.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded, thread-safe list of points in arrival order. Each point gets the next number of a
 * sequence shared by all series, so a reader asks "what arrived after cursor N", which stays right
 * when a point carries an older timestamp than one already read (a metric computed before, but
 * delivered after, the last poll). The shared sequence is also the lock, so a reader holding it
 * sees every series at one cursor.
 */
final class TimeSeries<T> {
  private record Entry<T>(long seq, T point) {}

  private final Deque<Entry<T>> entries = new ArrayDeque<>();
  private final int capacity;
  private final AtomicLong sequence;

  TimeSeries(int capacity, AtomicLong sequence) {
    this.capacity = capacity;
    this.sequence = sequence;
  }

  void add(T point) {
    synchronized (sequence) {
      entries.addLast(new Entry<>(sequence.incrementAndGet(), point));
      while (entries.size() > capacity) {
        entries.removeFirst();
      }
    }
  }

  /** Points that arrived after {@code cursor}, oldest first. */
  List<T> after(long cursor) {
    synchronized (sequence) {
      List<T> out = new ArrayList<>();
      for (Entry<T> e : entries) {
        if (e.seq() > cursor) {
          out.add(e.point());
        }
      }
      return out;
    }
  }

  List<T> all() {
    return after(Long.MIN_VALUE);
  }

  T last() {
    synchronized (sequence) {
      Entry<T> e = entries.peekLast();
      return e == null ? null : e.point();
    }
  }
}
