package io.kalmstream.cli.local;

import io.kalmstream.trainer.TrainerRuns;
import io.kalmstream.trainer.loop.KafkaTrainerConfig;
import io.kalmstream.trainer.loop.TrainingLoop;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming trainer on a thread of its own. Closing asks the loop to stop, which writes and
 * announces a last checkpoint of what it trained since the previous one, then waits for it.
 */
final class TrainerRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerRun.class);

  /**
   * A model step plus a final checkpoint take seconds on a small machine; do not cut them short.
   */
  private static final long STOP_WAIT_MILLIS = 120_000;

  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread thread;
  private final TrainerRuns.Common common;

  TrainerRun(TrainerRuns.Common common, KafkaTrainerConfig kafka) {
    this.common = common;
    this.thread =
        new Thread(
            () -> {
              try {
                TrainingLoop.Result outcome = TrainerRuns.fromKafka(common, kafka, stop::get);
                LOG.info("trainer finished: {}", outcome.reason());
              } catch (Exception e) {
                LOG.error("the trainer failed", e);
              }
            },
            "kalm-trainer");
  }

  TrainerRun start() {
    thread.start();
    return this;
  }

  String describe() {
    return String.format(
        "model %s, a checkpoint every %d steps or %d s",
        common.modelDir(),
        common.loop().checkpointEverySteps(),
        common.loop().checkpointInterval().toSeconds());
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(STOP_WAIT_MILLIS);
  }
}
