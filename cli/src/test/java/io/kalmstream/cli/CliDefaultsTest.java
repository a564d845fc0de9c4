package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kalmstream.cli.local.LocalSettings;
import io.kalmstream.ingest.IngestConfig;
import io.kalmstream.scorer.ScorerConfig;
import io.kalmstream.trainer.TrainerSettings;
import io.kalmstream.trainer.loop.LoopSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * picocli takes an option's default as a constant string, so the commands write the defaults of the
 * settings they map onto a second time: this test holds each of those strings to the one
 * declaration (IngestConfig, TrainerSettings, ScorerConfig, LocalSettings). A default changed in
 * one place and not the other fails here.
 */
class CliDefaultsTest {

  @Test
  void ingestOptionsDefaultToIngestConfig() {
    IngestCommand command = new IngestCommand();
    new CommandLine(command).parseArgs();
    assertEquals(IngestConfig.defaults(), command.job.config());
  }

  @Test
  void trainOptionsDefaultToTrainerSettings() {
    TrainCommand command = new TrainCommand();
    new CommandLine(command).parseArgs();
    assertEquals(TrainerSettings.kalmDefaults(), command.settings());
    assertEquals(LoopSettings.defaults(), command.loopSettings());
  }

  @Test
  void scoreOptionsDefaultToScorerConfig() {
    ScoreCommand command = new ScoreCommand();
    new CommandLine(command).parseArgs();
    Path state = Path.of("state");
    assertEquals(
        ScorerConfig.builder("broker:9092", state).build(),
        command.configure(ScorerConfig.builder("broker:9092", state)).build());
  }

  @Test
  void localOptionsDefaultToLocalSettings() {
    LocalOptions options = new LocalOptions();
    new CommandLine(options).parseArgs();
    assertEquals(
        LocalSettings.DEFAULT_CHECKPOINT_INTERVAL,
        Duration.ofSeconds(options.checkpointIntervalSeconds));
    assertEquals(LocalSettings.DEFAULT_CONTRASTIVE_BATCH, options.contrastiveBatch);
    assertEquals(LocalSettings.DEFAULT_WARMUP_STEPS, options.warmupSteps);
  }
}
