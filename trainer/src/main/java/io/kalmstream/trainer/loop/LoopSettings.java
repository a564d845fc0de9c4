package io.kalmstream.trainer.loop;

import java.time.Duration;

/**
 * When the loop checkpoints and stops. {@link #defaults()} holds the defaults; {@link #toBuilder()}
 * changes one field without restating the others.
 *
 * @param checkpointEverySteps a checkpoint after this many steps since the last one (0: never by
 *     count)
 * @param checkpointInterval a checkpoint when this much time has passed since the last one and at
 *     least one step was taken (null: never by time)
 * @param maxSteps stop once the trainer has taken this many steps in total, resumed ones included
 *     (0: never)
 * @param maxDuration stop after this much wall time in this process (null: never)
 * @param idleWait how long to wait for a contrastive batch before looking at the instruction topic
 *     alone
 * @param instructionWait how long a contrastive step waits for the instruction batches it is due
 * @param modelName the name checkpoints are announced under
 * @param logEverySteps one log line every this many steps
 * @param idleReplay how many recent steps' batches are kept to train on again while the sources
 *     have nothing new (0: the trainer waits instead). An online stream can fall quiet for minutes;
 *     the model goes on learning from what it has seen, as the ingest job's replay reservoir does
 *     for partial batches
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
      throw new IllegalArgumentException(
          "checkpoint and stop counts must be >= 0 and the log interval >= 1");
    }
    if (modelName == null || modelName.isBlank()) {
      throw new IllegalArgumentException("the model name must not be blank");
    }
  }

  /** The defaults of {@code kalm train}: the one place they are written. */
  public static LoopSettings defaults() {
    return new LoopSettings(
        500,
        Duration.ofMinutes(10),
        0,
        null,
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        "kalm",
        1,
        0);
  }

  public static Builder builder() {
    return defaults().toBuilder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes fields one at a time; {@link #build()} validates them together. */
  public static final class Builder {
    private long checkpointEverySteps;
    private Duration checkpointInterval;
    private long maxSteps;
    private Duration maxDuration;
    private Duration idleWait;
    private Duration instructionWait;
    private String modelName;
    private int logEverySteps;
    private int idleReplay;

    private Builder(LoopSettings s) {
      checkpointEverySteps = s.checkpointEverySteps;
      checkpointInterval = s.checkpointInterval;
      maxSteps = s.maxSteps;
      maxDuration = s.maxDuration;
      idleWait = s.idleWait;
      instructionWait = s.instructionWait;
      modelName = s.modelName;
      logEverySteps = s.logEverySteps;
      idleReplay = s.idleReplay;
    }

    public Builder checkpointEverySteps(long v) {
      checkpointEverySteps = v;
      return this;
    }

    public Builder checkpointInterval(Duration v) {
      checkpointInterval = v;
      return this;
    }

    public Builder maxSteps(long v) {
      maxSteps = v;
      return this;
    }

    public Builder maxDuration(Duration v) {
      maxDuration = v;
      return this;
    }

    public Builder idleWait(Duration v) {
      idleWait = v;
      return this;
    }

    public Builder instructionWait(Duration v) {
      instructionWait = v;
      return this;
    }

    public Builder modelName(String v) {
      modelName = v;
      return this;
    }

    public Builder logEverySteps(int v) {
      logEverySteps = v;
      return this;
    }

    public Builder idleReplay(int v) {
      idleReplay = v;
      return this;
    }

    public LoopSettings build() {
      return new LoopSettings(
          checkpointEverySteps,
          checkpointInterval,
          maxSteps,
          maxDuration,
          idleWait,
          instructionWait,
          modelName,
          logEverySteps,
          idleReplay);
    }
  }
}
