package io.kalmstream.trainer.loop;

import io.kalmstream.checkpoints.CheckpointStore;
import io.kalmstream.checkpoints.StoredCheckpoint;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.dlq.DeadLetters;
import io.kalmstream.trainer.KalmTrainer;
import io.kalmstream.trainer.StepResult;
import io.kalmstream.trainer.checkpoint.SourcePosition;
import io.kalmstream.trainer.checkpoint.TrainerState;
import io.kalmstream.trainer.metrics.TrainerMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop shared by the Kafka and the file trainer: one step per contrastive batch with
 * instruction batches interleaved, instruction-only steps while the contrastive source is idle, a
 * checkpoint every K steps or T seconds (and at a clean stop), and the source told only once a
 * checkpoint is durable, so that consumed positions are never ahead of what a restart can resume
 * from.
 *
 * <p>A failure propagates without a checkpoint: what has not been checkpointed is trained again
 * after the restart, from the positions of the last checkpoint.
 */
public final class TrainingLoop {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

  /** Sees every step with the batches it trained on (logging, tests, progress display). */
  @FunctionalInterface
  public interface StepListener {
    void trained(
        StepResult result,
        Sourced<ContrastiveBatch> contrastive,
        List<Sourced<InstructionBatch>> instructions);
  }

  /** Told once a checkpoint is durable, before the source commits (Kafka: the announcement). */
  @FunctionalInterface
  public interface CheckpointListener {
    void durable(StoredCheckpoint checkpoint, TrainerState state);
  }

  /** Why {@link #run} returned, and the last durable checkpoint. */
  public record Result(String reason, long steps, StoredCheckpoint lastCheckpoint) {}

  private final KalmTrainer trainer;
  private final BatchSource source;
  private final CheckpointStore store;
  private final LoopSettings settings;
  private final TrainerMetrics metrics;
  private final String baseModel;
  private final List<CheckpointListener> checkpointListeners = new ArrayList<>();
  private final List<StepListener> stepListeners = new ArrayList<>();
  private InstructionInterleaving interleaving;
  private final IdleReplay replay;
  private boolean replaying;
  private static final Duration REPLAY_POLL = Duration.ofMillis(20);
  private StepResult lastStep;
  private StoredCheckpoint lastCheckpoint;
  private long checkpointedStep;
  private long lastCheckpointNanos = System.nanoTime();

  public TrainingLoop(
      KalmTrainer trainer,
      BatchSource source,
      CheckpointStore store,
      LoopSettings settings,
      TrainerMetrics metrics,
      String baseModel) {
    this.trainer = trainer;
    this.source = source;
    this.store = store;
    this.settings = settings;
    this.metrics = metrics;
    this.baseModel = baseModel;
    this.interleaving = new InstructionInterleaving(trainer.settings().instructionRatio(), 0);
    this.checkpointedStep = trainer.step();
    this.replay = new IdleReplay(settings.idleReplay(), trainer.settings().seed());
  }

  public TrainingLoop onStep(StepListener listener) {
    stepListeners.add(listener);
    return this;
  }

  public TrainingLoop onCheckpoint(CheckpointListener listener) {
    checkpointListeners.add(listener);
    return this;
  }

  /**
   * Continues after {@code state} (whose adapter and optimizer the trainer has already resumed), or
   * from the start.
   */
  public void resume(Optional<TrainerState> state) {
    source.seek(state.map(TrainerState::positions).orElse(List.of()));
    double credit = state.map(TrainerState::instructionCredit).orElse(0.0);
    interleaving = new InstructionInterleaving(trainer.settings().instructionRatio(), credit);
    checkpointedStep = trainer.step();
    state.ifPresent(
        s ->
            LOG.info(
                "resuming at step {} (temperature {}) from positions {}",
                s.step(),
                String.format("%.4f", s.temperature()),
                s.positions()));
  }

  public Result run(BooleanSupplier stopRequested) {
    long started = System.nanoTime();
    long stepsAtStart = trainer.step();
    String reason;
    while (true) {
      if (stopRequested.getAsBoolean()) {
        reason = "stop requested";
        break;
      }
      if (settings.maxSteps() > 0 && trainer.step() >= settings.maxSteps()) {
        reason = "reached step " + settings.maxSteps();
        break;
      }
      if (settings.maxDuration() != null
          && System.nanoTime() - started >= settings.maxDuration().toNanos()) {
        reason = "ran for " + settings.maxDuration();
        break;
      }
      boolean trained = trainOneStep();
      if (checkpointDue(trained)) {
        checkpoint();
      }
    }
    if (trainer.step() > checkpointedStep) {
      checkpoint();
    }
    LOG.info(
        "training stopped: {} after {} steps in this run (step {})",
        reason,
        trainer.step() - stepsAtStart,
        trainer.step());
    return new Result(reason, trainer.step(), lastCheckpoint);
  }

  /**
   * Trains on the next batches, or replays recent ones when no source had any within the wait;
   * false when nothing was trained.
   */
  private boolean trainOneStep() {
    // While replaying, the sources are only glanced at: a full idle wait per replayed step would
    // idle the trainer.
    Duration wait = replaying ? REPLAY_POLL : settings.idleWait();
    Optional<Sourced<ContrastiveBatch>> contrastive = source.nextContrastive(wait);
    List<Sourced<InstructionBatch>> instructions = new ArrayList<>();
    if (contrastive.isPresent()) {
      int due = interleaving.enabled() ? interleaving.dueWithContrastive() : 0;
      while (instructions.size() < due) {
        Optional<Sourced<InstructionBatch>> next =
            source.nextInstruction(settings.instructionWait());
        if (next.isEmpty()) {
          break;
        }
        instructions.add(next.get());
      }
      interleaving.contrastiveStep(due, instructions.size());
    } else if (interleaving.enabled()) {
      int due = interleaving.dueAlone();
      while (instructions.size() < due) {
        Optional<Sourced<InstructionBatch>> next = source.nextInstruction(Duration.ZERO);
        if (next.isEmpty()) {
          break;
        }
        instructions.add(next.get());
      }
    }
    source.lag().ifPresent(metrics::lag);
    if (contrastive.isEmpty() && instructions.isEmpty()) {
      replaying = replayStep();
      return replaying;
    }
    replaying = false;
    ContrastiveBatch batch = contrastive.map(Sourced::batch).orElse(null);
    List<InstructionBatch> instructionBatches = instructions.stream().map(Sourced::batch).toList();
    StepResult result;
    try {
      result = trainer.train(batch, instructionBatches);
    } catch (RuntimeException e) {
      // A batch the model cannot take (an error in the step itself) would fail again after every
      // restart: it
      // goes to the dead letters with the reason, and the stream goes on.
      String reason = "training step " + (trainer.step() + 1) + " failed: " + DeadLetters.reason(e);
      contrastive.ifPresent(c -> source.deadLetter(c, reason));
      instructions.forEach(i -> source.deadLetter(i, reason));
      metrics.failedStep();
      LOG.error(
          "step {} failed on {} {}; batches dead-lettered, training goes on",
          trainer.step() + 1,
          contrastive.map(Sourced::toString).orElse("-"),
          instructions,
          e);
      return true;
    }
    replay.remember(batch, instructionBatches);
    lastStep = result;
    metrics.stepped(result);
    if ((result.step() + 1) % settings.logEverySteps() == 0) {
      LOG.info(
          "step {} loss {} (exp {}, imp {}) tau {} lr {} |g| {} pairs/s {} tokens/s {} lag {} batches {} {}",
          result.step() + 1,
          f(result.loss()),
          f(result.contrastiveLoss()),
          f(result.instructionLoss()),
          f(result.tau()),
          String.format("%.3g", result.learningRate()),
          f(result.gradientNorm()),
          String.format("%.1f", result.pairs() / result.seconds()),
          String.format("%.0f", result.tokens() / result.seconds()),
          source.lag().isPresent() ? source.lag().getAsLong() : "-",
          contrastive.map(Sourced::toString).orElse("-"),
          instructions);
    }
    for (StepListener listener : stepListeners) {
      listener.trained(result, contrastive.orElse(null), instructions);
    }
    return true;
  }

  /**
   * While both sources are idle, one step on batches of a recent step drawn at random; false when
   * replay is off or nothing was trained yet. Replayed steps move no source position, so a restart
   * neither skips nor repeats a batch of the stream; they are counted apart ({@code
   * kalm_trainer_replayed_steps}).
   */
  private boolean replayStep() {
    Optional<IdleReplay.Step> step = replay.draw();
    if (step.isEmpty()) {
      return false;
    }
    StepResult result = trainer.train(step.get().contrastive(), step.get().instructions());
    lastStep = result;
    metrics.stepped(result);
    metrics.replayed();
    if ((result.step() + 1) % settings.logEverySteps() == 0) {
      LOG.info(
          "step {} (replayed while the stream is idle) loss {} (exp {}, imp {}) tau {} pairs/s {}",
          result.step() + 1,
          f(result.loss()),
          f(result.contrastiveLoss()),
          f(result.instructionLoss()),
          f(result.tau()),
          String.format("%.1f", result.pairs() / result.seconds()));
    }
    return true;
  }

  private boolean checkpointDue(boolean trained) {
    long since = trainer.step() - checkpointedStep;
    if (since == 0) {
      return false;
    }
    if (trained
        && settings.checkpointEverySteps() > 0
        && since >= settings.checkpointEverySteps()) {
      return true;
    }
    return settings.checkpointInterval() != null
        && System.nanoTime() - lastCheckpointNanos >= settings.checkpointInterval().toNanos();
  }

  private void checkpoint() {
    List<SourcePosition> positions = source.positions();
    TrainerState state =
        new TrainerState(
            trainer.step(),
            trainer.tau(),
            positions,
            interleaving.credit(),
            baseModel,
            checkpointMetrics());
    StoredCheckpoint checkpoint;
    try {
      checkpoint =
          store.publish(trainer.step(), directory -> trainer.writeCheckpoint(directory, state));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + trainer.step(), e);
    }
    for (CheckpointListener listener : checkpointListeners) {
      listener.durable(checkpoint, state);
    }
    source.checkpointed(positions);
    metrics.checkpointed(checkpoint.version());
    lastCheckpoint = checkpoint;
    checkpointedStep = trainer.step();
    lastCheckpointNanos = System.nanoTime();
    LOG.info(
        "checkpoint version={} at {} positions {}",
        checkpoint.version(),
        checkpoint.uri(),
        positions);
  }

  private Map<String, Double> checkpointMetrics() {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("temperature", trainer.tau());
    if (lastStep != null) {
      putFinite(values, "loss", lastStep.loss());
      putFinite(values, "loss_contrastive", lastStep.contrastiveLoss());
      putFinite(values, "loss_instruction", lastStep.instructionLoss());
      putFinite(values, "learning_rate", lastStep.learningRate());
    }
    return values;
  }

  private static void putFinite(Map<String, Double> values, String key, double value) {
    if (Double.isFinite(value)) {
      values.put(key, value);
    }
  }

  private static String f(double value) {
    return Double.isNaN(value) ? "-" : String.format("%.4f", value);
  }
}
