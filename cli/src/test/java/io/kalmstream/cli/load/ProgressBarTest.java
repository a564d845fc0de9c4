package io.kalmstream.cli.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final AtomicLong nanos = new AtomicLong();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void showsFractionCountRateAndRemainingTime() {
    ProgressBar bar = new ProgressBar(out, false, Duration.ofSeconds(10), nanos::get);
    bar.start("kg.triples", 2000);
    nanos.set(50_000_000_000L);
    bar.advance(1000);
    assertEquals(
        "kg.triples [###############...............]  50.0%  1000/2000  20.0/s  ETA 0:00:50",
        bar.line());
  }

  @Test
  void inPlaceRedrawsOneLineAndEndsItOnFinish() {
    ProgressBar bar = new ProgressBar(out, true, Duration.ofMillis(200), nanos::get);
    bar.start("kg.entities", 10);
    for (int i = 1; i <= 10; i++) {
      nanos.addAndGet(300_000_000L);
      bar.advance(i);
    }
    bar.finish();
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, text.chars().filter(c -> c == '\n').count(), text);
    assertTrue(text.endsWith("100.0%  10/10  3.3/s  ETA -\u001b[K\n"), text);
  }

  @Test
  void periodicPrintsAtMostOneLinePerPeriod() {
    ProgressBar bar = new ProgressBar(out, false, Duration.ofSeconds(10), nanos::get);
    bar.start("kg.triples", 100);
    for (int i = 1; i <= 100; i++) {
      nanos.addAndGet(1_000_000_000L);
      bar.advance(i);
    }
    bar.finish();
    // 100 s of progress: a line at 10 s, 20 s, ..., 100 s, and the final one.
    assertEquals(11, bytes.toString(StandardCharsets.UTF_8).lines().count());
  }
}
