package io.kalmstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.DatasetBatches;
import io.kalmstream.batching.Examples;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TextViews;
import io.kalmstream.checkpoints.DirectoryCheckpointStore;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.trainer.Fixtures;
import io.kalmstream.trainer.TrainerSettings;
import io.kalmstream.trainer.TrainingSession;
import io.kalmstream.trainer.checkpoint.SourcePosition;
import io.kalmstream.trainer.metrics.TrainerMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch whose training step throws goes to the source's dead letters with the reason; training
 * goes on.
 */
class FailingStepTest {
  @TempDir Path temp;

  /** Hands out the dataset's batches, with one that fails inside the step in third place. */
  private static final class PoisoningSource implements BatchSource {
    final DatasetBatchSource inner;
    final List<String> deadLettered = new ArrayList<>();
    int handedOut;

    PoisoningSource(DatasetBatchSource inner) {
      this.inner = inner;
    }

    @Override
    public Optional<Sourced<ContrastiveBatch>> nextContrastive(Duration wait) {
      Optional<Sourced<ContrastiveBatch>> next = inner.nextContrastive(wait);
      if (next.isPresent() && ++handedOut == 3) {
        Sourced<ContrastiveBatch> s = next.get();
        ContrastiveBatch poisoned =
            new ContrastiveBatch(
                s.batch().getBatchId(),
                s.batch().getPairs(),
                s.batch().getFalseNegatives(),
                s.batch().getCreatedAt()) {
              @Override
              public List<ContrastivePair> getPairs() {
                throw new IllegalStateException("poisoned batch");
              }
            };
        return Optional.of(new Sourced<>(poisoned, s.source(), s.partition(), s.offset()));
      }
      return next;
    }

    @Override
    public Optional<Sourced<InstructionBatch>> nextInstruction(Duration wait) {
      return inner.nextInstruction(wait);
    }

    @Override
    public List<SourcePosition> positions() {
      return inner.positions();
    }

    @Override
    public void seek(List<SourcePosition> positions) {
      inner.seek(positions);
    }

    @Override
    public void checkpointed(List<SourcePosition> positions) {
      inner.checkpointed(positions);
    }

    @Override
    public void deadLetter(Sourced<?> batch, String reason) {
      deadLettered.add(batch + ": " + reason);
    }

    @Override
    public OptionalLong lag() {
      return OptionalLong.empty();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  @Test
  void aStepThatThrowsDeadLettersItsBatchesAndTrainingContinues() throws Exception {
    Path dataset = DatasetTrainingTest.smallDataset(temp.resolve("kg"), 40);
    TrainerSettings settings =
        TrainerSettings.builder()
            .learningRate(1e-3)
            .warmupSteps(2)
            .maxTextTokens(24)
            .seed(3)
            .instructionRatio(0)
            .build();
    DatasetBatches batches =
        new DatasetBatches(KgDatasetReader.read(dataset), new Examples(TextViews.defaults()));
    PoisoningSource source =
        new PoisoningSource(new DatasetBatchSource(batches, 4, 2, settings.seed()));
    List<String> trained = new ArrayList<>();
    try (TrainerMetrics metrics = new TrainerMetrics();
        TrainingSession session =
            TrainingSession.open(
                Fixtures.stories260K(),
                ModelOptions.auto(),
                settings,
                new DirectoryCheckpointStore(temp.resolve("out"), 5))) {
      TrainingLoop loop =
          new TrainingLoop(
              session.trainer(),
              source,
              new DirectoryCheckpointStore(temp.resolve("out"), 5),
              LoopSettings.builder()
                  .checkpointEverySteps(100)
                  .checkpointInterval(null)
                  .maxSteps(4)
                  .idleWait(Duration.ZERO)
                  .instructionWait(Duration.ZERO)
                  .modelName("failing-step")
                  .build(),
              metrics,
              "base");
      loop.onStep((result, contrastive, instructions) -> trained.add(String.valueOf(contrastive)));
      TrainingLoop.Result outcome = loop.run(() -> false);
      assertEquals(4, outcome.steps(), "four good steps despite the failed one");
      assertTrue(
          metrics.scrape().contains("kalm_trainer_failed_steps_total 1.0"), metrics.scrape());
    }
    assertEquals(1, source.deadLettered.size(), source.deadLettered.toString());
    assertTrue(
        source.deadLettered.get(0).startsWith("dataset.contrastive-0@2: training step 3 failed: "),
        source.deadLettered.get(0));
    assertTrue(source.deadLettered.get(0).contains("poisoned batch"));
    assertEquals(
        List.of(
            "dataset.contrastive-0@0",
            "dataset.contrastive-0@1",
            "dataset.contrastive-0@3",
            "dataset.contrastive-0@4"),
        trained);
  }
}
