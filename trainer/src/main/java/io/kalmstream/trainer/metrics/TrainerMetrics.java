package io.kalmstream.trainer.metrics;

import com.sun.net.httpserver.HttpServer;
import io.kalmstream.trainer.StepResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's meters (prefix {@code kalm_trainer_}): the losses, temperature, learning rate,
 * gradient norm, throughput of the last step, consumer lag and checkpoint version as gauges; steps,
 * pairs, tokens, checkpoints and dead letters as counters. {@link #serve(String, int)} exposes them
 * for Prometheus at /metrics.
 */
public final class TrainerMetrics implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerMetrics.class);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<StepResult> last = new AtomicReference<>();
  private final AtomicReference<Double> lag = new AtomicReference<>(Double.NaN);
  private final AtomicReference<Double> checkpointVersion = new AtomicReference<>(Double.NaN);
  private final Counter steps;
  private final Counter pairs;
  private final Counter tokens;
  private final Counter checkpoints;
  private final Counter deadLetters;
  private final Counter replayed;
  private HttpServer server;

  public TrainerMetrics() {
    stepGauge("kalm_trainer_loss", "L = L_exp + lambda * L_imp of the last step", StepResult::loss);
    stepGauge(
        "kalm_trainer_loss_contrastive", "L_exp of the last step", StepResult::contrastiveLoss);
    stepGauge(
        "kalm_trainer_loss_instruction", "L_imp of the last step", StepResult::instructionLoss);
    stepGauge("kalm_trainer_temperature", "contrastive temperature tau", StepResult::tau);
    stepGauge(
        "kalm_trainer_learning_rate", "learning rate of the last update", StepResult::learningRate);
    stepGauge(
        "kalm_trainer_gradient_norm",
        "global gradient norm before clipping",
        StepResult::gradientNorm);
    stepGauge(
        "kalm_trainer_pairs_per_second",
        "contrastive pairs per second in the last step",
        r -> r.pairs() / r.seconds());
    stepGauge(
        "kalm_trainer_tokens_per_second",
        "tokens per second in the last step",
        r -> r.tokens() / r.seconds());
    Gauge.builder("kalm_trainer_step", last, r -> r.get() == null ? 0 : r.get().step() + 1)
        .description("optimizer updates applied")
        .register(registry);
    Gauge.builder("kalm_trainer_consumer_lag", lag, AtomicReference::get)
        .description("records not yet trained on, summed over the input partitions")
        .register(registry);
    Gauge.builder("kalm_trainer_checkpoint_version", checkpointVersion, AtomicReference::get)
        .description("version of the newest durable checkpoint")
        .register(registry);
    steps =
        Counter.builder("kalm_trainer_steps")
            .description("optimizer steps taken by this process")
            .register(registry);
    pairs =
        Counter.builder("kalm_trainer_pairs")
            .description("contrastive pairs trained on")
            .register(registry);
    tokens =
        Counter.builder("kalm_trainer_tokens")
            .description("tokens through the model")
            .register(registry);
    checkpoints =
        Counter.builder("kalm_trainer_checkpoints")
            .description("checkpoints made durable")
            .register(registry);
    replayed =
        Counter.builder("kalm_trainer_replayed_steps")
            .description("steps trained again on recent batches while the stream was idle")
            .register(registry);
    deadLetters =
        Counter.builder("kalm_trainer_dead_letters")
            .description("batches sent to the dead-letter topic")
            .register(registry);
  }

  private void stepGauge(
      String name, String description, java.util.function.ToDoubleFunction<StepResult> value) {
    Gauge.builder(name, last, r -> r.get() == null ? Double.NaN : value.applyAsDouble(r.get()))
        .description(description)
        .register(registry);
  }

  public void stepped(StepResult result) {
    last.set(result);
    steps.increment();
    pairs.increment(result.pairs());
    tokens.increment(result.tokens());
  }

  public void lag(long records) {
    lag.set((double) records);
  }

  public void checkpointed(long version) {
    checkpointVersion.set((double) version);
    checkpoints.increment();
  }

  public void replayed() {
    replayed.increment();
  }

  public void deadLettered() {
    deadLetters.increment();
  }

  /** A training step that threw; its batches went to the dead letters. */
  public void failedStep() {
    registry.counter("kalm_trainer_failed_steps_total").increment();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * Serves {@link #scrape()} at http://{bindAddress}:{port}/metrics; port 0 picks a free one.
   * Returns the port.
   */
  public int serve(String bindAddress, int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    int bound = server.getAddress().getPort();
    LOG.info(
        "trainer metrics for Prometheus at http://{}:{}/metrics",
        server.getAddress().getHostString(),
        bound);
    return bound;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    registry.close();
  }
}
