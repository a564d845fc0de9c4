package io.kalmstream.cli.local;

import io.kalmstream.cli.load.DatasetLoader;
import io.kalmstream.cli.load.LoadPlan;
import io.kalmstream.cli.load.Progress;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset loader on a thread of its own, stopped (and its producer flushed and closed) by
 * {@link #close()}.
 */
final class LoaderRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoaderRun.class);

  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicReference<DatasetLoader.Summary> summary = new AtomicReference<>();
  private final Thread thread;
  private final LoadPlan plan;
  private final double perSecond;

  /**
   * @param queriesWelcome whether the scorer can answer queries yet (they are held back until it
   *     can)
   */
  LoaderRun(
      KafkaConnection connection,
      Topics topics,
      LoadPlan plan,
      double perSecond,
      Progress progress,
      BooleanSupplier queriesWelcome) {
    this.plan = plan;
    this.perSecond = perSecond;
    this.thread =
        new Thread(
            () -> {
              try (Producer<String, SpecificRecord> producer = DatasetLoader.producer(connection)) {
                summary.set(
                    new DatasetLoader(producer, topics, progress)
                        .load(plan, perSecond, stop::get, queriesWelcome));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                LOG.error("the loader failed", e);
              }
            },
            "kalm-loader");
  }

  LoaderRun start() {
    thread.start();
    return this;
  }

  String describe() {
    return String.format(
        "%d relations, %d entities, %d eval triples, then %d training triples at %s with %d "
            + "queries among them",
        plan.relations().size(),
        plan.entities().size(),
        plan.eval().size(),
        plan.train().size(),
        perSecond <= 0 ? "full speed" : String.format("%.3g/s", perSecond),
        plan.queries().size());
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(30_000);
  }
}
