package io.kalmstream.cli.load;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Renders {@link Progress} as one line: redrawn in place ({@code \r}) on a terminal, or printed
 * afresh every {@code period} when the output is a log or shares the terminal with log lines.
 *
 * <pre>kg.triples [##########..........]  50.0%  1000/2000  20.0/s  ETA 0:00:50</pre>
 */
public final class ProgressBar implements Progress {
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final boolean inPlace;
  private final long periodNanos;
  private final LongSupplier clock;
  private String phase;
  private long total;
  private long startNanos;
  private long lastDrawNanos;
  private long done;

  ProgressBar(PrintStream out, boolean inPlace, Duration period, LongSupplier clock) {
    this.out = out;
    this.inPlace = inPlace;
    this.periodNanos = period.toNanos();
    this.clock = clock;
  }

  /** Redraws in place at most five times a second. */
  public static ProgressBar inPlace(PrintStream out) {
    return new ProgressBar(out, true, Duration.ofMillis(200), System::nanoTime);
  }

  /** One line every {@code period}, for output that is also read by people tailing a log. */
  public static ProgressBar periodic(PrintStream out, Duration period) {
    return new ProgressBar(out, false, period, System::nanoTime);
  }

  /** In place on an interactive terminal, else one line every ten seconds. */
  @SuppressWarnings("SystemConsoleNull") // Java 17: null exactly when not attached to a terminal
  public static ProgressBar forStderr() {
    return System.console() != null
        ? inPlace(System.err)
        : periodic(System.err, Duration.ofSeconds(10));
  }

  @Override
  public synchronized void start(String phase, long total) {
    this.phase = phase;
    this.total = total;
    this.done = 0;
    this.startNanos = clock.getAsLong();
    this.lastDrawNanos = startNanos;
    if (inPlace) {
      draw();
    }
  }

  @Override
  public synchronized void advance(long done) {
    this.done = done;
    long now = clock.getAsLong();
    if (now - lastDrawNanos >= periodNanos) {
      lastDrawNanos = now;
      draw();
    }
  }

  @Override
  public synchronized void finish() {
    if (inPlace) {
      draw();
      out.print('\n');
    } else {
      out.println(line());
    }
    out.flush();
  }

  private void draw() {
    if (inPlace) {
      out.print('\r' + line() + "\u001b[K");
    } else {
      out.println(line());
    }
    out.flush();
  }

  String line() {
    double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    double seconds = (clock.getAsLong() - startNanos) / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    String eta = rate > 0 && done < total ? clock((long) ((total - done) / rate)) : "-";
    return String.format(
        Locale.ROOT,
        "%s [%s%s] %5.1f%%  %d/%d  %.1f/s  ETA %s",
        phase,
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        fraction * 100,
        done,
        total,
        rate,
        eta);
  }

  private static String clock(long seconds) {
    return String.format(
        Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }
}
