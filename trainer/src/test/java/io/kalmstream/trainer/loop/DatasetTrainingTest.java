package io.kalmstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.checkpoints.DirectoryCheckpointStore;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.trainer.Fixtures;
import io.kalmstream.trainer.TrainerRuns;
import io.kalmstream.trainer.TrainerSettings;
import io.kalmstream.trainer.checkpoint.SourcePosition;
import io.kalmstream.trainer.checkpoint.TrainerState;
import io.kalmstream.trainer.metrics.TrainerMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kalm train --dataset}: checkpoints in the store layout, metrics, and a second run that
 * resumes.
 */
class DatasetTrainingTest {

  @TempDir Path temp;

  @Test
  void checkpointsEveryKStepsAndASecondRunContinuesWhereTheFirstStopped() throws Exception {
    Path dataset = smallDataset(temp.resolve("kg"), 40);
    Path out = temp.resolve("out");
    List<String> firstRun = new ArrayList<>();
    String scrape;
    try (TrainerMetrics metrics = new TrainerMetrics()) {
      TrainingLoop.Result outcome =
          TrainerRuns.fromDataset(common(out, 4, metrics, firstRun), dataset, 4, 2, () -> false);
      assertEquals(4, outcome.steps());
      scrape = metrics.scrape();
    }
    assertEquals(List.of(2L, 4L), new DirectoryCheckpointStore(out, 5).versions());
    Path newest = out.resolve(DirectoryCheckpointStore.directoryName(4));
    Set<String> files;
    try (var list = Files.list(newest)) {
      files = list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
    assertEquals(
        Set.of(
            "adapter_config.json",
            "adapter_model.safetensors",
            "trainer_state.json",
            "trainer_state.safetensors"),
        files);
    TrainerState state = TrainerState.read(newest);
    assertEquals(4, state.step());
    assertEquals(
        List.of(
            new SourcePosition(DatasetBatchSource.CONTRASTIVE, 0, 4),
            new SourcePosition(DatasetBatchSource.INSTRUCTION, 0, 4)),
        state.positions());
    for (String meter :
        List.of(
            "kalm_trainer_loss ",
            "kalm_trainer_loss_contrastive ",
            "kalm_trainer_temperature ",
            "kalm_trainer_learning_rate ",
            "kalm_trainer_pairs_per_second ",
            "kalm_trainer_tokens_per_second ",
            "kalm_trainer_checkpoint_version 4.0")) {
      assertTrue(scrape.contains(meter), meter + " missing from\n" + scrape);
    }
    assertEquals(
        List.of(
            "dataset.contrastive-0@0",
            "dataset.contrastive-0@1",
            "dataset.contrastive-0@2",
            "dataset.contrastive-0@3"),
        firstRun);

    // The resumed run goes on a new thread, where PyTorch starts with grad mode on (as in kalm
    // local).
    List<String> secondRun = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread resumed =
        new Thread(
            () -> {
              try (TrainerMetrics metrics = new TrainerMetrics()) {
                TrainerRuns.fromDataset(
                    common(out, 6, metrics, secondRun), dataset, 4, 2, () -> false);
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "resumed-trainer");
    resumed.start();
    resumed.join();
    assertNull(failure.get(), () -> "resumed run failed: " + failure.get());
    assertEquals(List.of("dataset.contrastive-0@4", "dataset.contrastive-0@5"), secondRun);
    assertEquals(List.of(2L, 4L, 6L), new DirectoryCheckpointStore(out, 5).versions());
  }

  private static TrainerRuns.Common common(
      Path out, long maxSteps, TrainerMetrics metrics, List<String> trained) throws IOException {
    TrainerSettings settings =
        TrainerSettings.builder()
            .learningRate(1e-3)
            .warmupSteps(2)
            .horizonSteps(20)
            .maxTextTokens(24)
            .seed(3)
            .build();
    LoopSettings loop =
        LoopSettings.builder()
            .checkpointEverySteps(2)
            .checkpointInterval(null)
            .maxSteps(maxSteps)
            .idleWait(Duration.ZERO)
            .instructionWait(Duration.ZERO)
            .modelName("dataset-test")
            .build();
    TrainingLoop.StepListener record =
        (result, contrastive, instructions) -> trained.add(String.valueOf(contrastive));
    return new TrainerRuns.Common(
        Fixtures.stories260K(),
        ModelOptions.auto(),
        settings,
        new DirectoryCheckpointStore(out, 5),
        loop,
        metrics,
        List.of(record));
  }

  /**
   * The first {@code triples} WN18RR training triples with the texts they need, in KG-BERT layout.
   */
  static Path smallDataset(Path dir, int triples) throws IOException {
    Path source = Fixtures.wn18rrDir();
    Files.createDirectories(dir);
    List<String> train = Files.readAllLines(source.resolve("train.tsv")).subList(0, triples);
    Set<String> entities = new HashSet<>();
    for (String line : train) {
      String[] f = line.split("\t");
      entities.add(f[0]);
      entities.add(f[2]);
    }
    Files.write(dir.resolve("train.tsv"), train);
    Files.write(dir.resolve("dev.tsv"), List.of());
    Files.write(dir.resolve("test.tsv"), List.of());
    Files.copy(source.resolve("relation2text.txt"), dir.resolve("relation2text.txt"));
    try (var lines = Files.lines(source.resolve("entity2text.txt"))) {
      Files.write(
          dir.resolve("entity2text.txt"),
          lines.filter(l -> entities.contains(l.substring(0, l.indexOf('\t')))).toList());
    }
    return dir;
  }
}
