package io.kalmstream.cli.local;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Components started one after another, stopped in reverse order; a failing stop does not keep the
 * rest running.
 */
final class Stages implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Stages.class);

  private record Stage(String name, AutoCloseable resource) {}

  private final Deque<Stage> started = new ArrayDeque<>();
  private final int total;
  private final long startNanos = System.nanoTime();

  Stages(int total) {
    this.total = total;
  }

  @FunctionalInterface
  interface Starter<T extends AutoCloseable> {
    T start() throws Exception;
  }

  /**
   * Starts one component and logs one line: its number, its name and what {@code describe} says
   * about it.
   */
  <T extends AutoCloseable> T start(
      String name, Starter<T> starter, java.util.function.Function<T, String> describe)
      throws Exception {
    T resource = starter.start();
    started.push(new Stage(name, resource));
    LOG.info(
        "[{}/{}] {} started ({}s): {}",
        started.size(),
        total,
        name,
        String.format("%.1f", (System.nanoTime() - startNanos) / 1e9),
        describe.apply(resource));
    return resource;
  }

  /** Seconds since the first stage began starting. */
  double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      Stage stage = started.pop();
      try {
        stage.resource().close();
        LOG.info("stopped {}", stage.name());
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", stage.name(), e.toString());
      }
    }
  }
}
