package io.kalmstream.trainer.loop;

import java.time.Duration;

/**
 * When the loop checkpoints and stops.
 *
 * @param checkpointEverySteps a checkpoint after this many steps since the last one (0: never by count)
 * @param checkpointInterval a checkpoint when this much time has passed since the last one and at least one
 *     step was taken (null: never by time)
 * @param maxSteps stop once the trainer has taken this many steps in total, resumed ones included (0: never)
 * @param maxDuration stop after this much wall time in this process (null: never)
 * @param idleWait how long to wait for a contrastive batch before looking at the instruction topic alone
 * @param instructionWait how long a contrastive step waits for the instruction batches it is due
 * @param modelName the name checkpoints are announced under
 * @param logEverySteps one log line every this many steps
 * @param idleReplay how many recent steps' batches are kept to train on again while the sources have nothing new
 *     (0: the trainer waits instead). An online stream can fall quiet for minutes; the model goes on learning
 *     from what it has seen, as the ingest job's replay reservoir does for partial batches
 */
public record LoopSettings(
    long checkpointEverySteps,
    Duration checkpointInterval,
    long maxSteps,
    Duration maxDuration,
    Duration idleWait,
    Duration instructionWait,
    String modelName,
    int logEverySteps,
    int idleReplay) {

  public LoopSettings {
    if (checkpointEverySteps < 0 || maxSteps < 0 || logEverySteps < 1 || idleReplay < 0) {
      throw new IllegalArgumentException("checkpoint and stop counts must be >= 0 and the log interval >= 1");
    }
    if (modelName == null || modelName.isBlank()) {
      throw new IllegalArgumentException("the model name must not be blank");
    }
  }

  /** Without replay while idle. */
  public LoopSettings(long checkpointEverySteps, Duration checkpointInterval, long maxSteps, Duration maxDuration,
      Duration idleWait, Duration instructionWait, String modelName, int logEverySteps) {
    this(checkpointEverySteps, checkpointInterval, maxSteps, maxDuration, idleWait, instructionWait, modelName,
        logEverySteps, 0);
  }

  public LoopSettings withIdleReplay(int steps) {
    return new LoopSettings(checkpointEverySteps, checkpointInterval, maxSteps, maxDuration, idleWait, instructionWait,
        modelName, logEverySteps, steps);
  }

  public static LoopSettings defaults() {
    return new LoopSettings(500, Duration.ofMinutes(10), 0, null, Duration.ofSeconds(1), Duration.ofSeconds(2),
        "kalm", 1);
  }

  public LoopSettings withStops(long steps, Duration duration) {
    return new LoopSettings(checkpointEverySteps, checkpointInterval, steps, duration, idleWait, instructionWait,
        modelName, logEverySteps, idleReplay);
  }

  public LoopSettings withCheckpoints(long everySteps, Duration interval) {
    return new LoopSettings(everySteps, interval, maxSteps, maxDuration, idleWait, instructionWait, modelName,
        logEverySteps, idleReplay);
  }
}
