package io.kalmstream.cli.local;

import io.kalmstream.cli.load.LoadSlice;
import io.kalmstream.ingest.IngestConfig;
import io.kalmstream.trainer.TrainerSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@code kalm local} runs with. The defaults are sized so that a 2-core machine shows a
 * first checkpoint and a first quality measurement within minutes, and a curve that rises: a
 * connected slice of the dataset whose held-out triples name only entities it trains on, with only
 * those entities described (each model swap re-embeds them all), the paper's batch sizes, and a
 * trainer that keeps learning from recent batches once the slice has streamed in.
 *
 * @param workDir broker, registry, Flink checkpoints, adapter checkpoints and scorer state
 * @param load whether the loader streams the dataset (a resumed run may skip it)
 * @param loadRate training triples per second (0: as fast as possible)
 * @param ingest the ingest job's settings (batch sizes among them)
 * @param trainer the KaLM hyper-parameters
 * @param checkpointEverySteps trainer checkpoint after this many steps ...
 * @param checkpointInterval ... or after this much time with at least one step
 * @param evalSample newest eval triples the scorer re-ranks under each version
 * @param scorerPort port of the scorer's HTTP endpoints on 127.0.0.1 (0: a free one)
 * @param dashboardHost address of the dashboard
 * @param dashboardPort port of the dashboard (0: a free one)
 * @param dashboardPoll how often the dashboard samples offsets and the trainer
 * @param secured the embedded broker with SASL/PLAIN over TLS as its only listeners and the
 *     registry behind HTTPS with basic authentication; every component connects with the generated
 *     credentials
 */
public record LocalSettings(
    Path workDir,
    Path modelDir,
    Path datasetDir,
    boolean load,
    LoadSlice slice,
    double loadRate,
    IngestConfig ingest,
    TrainerSettings trainer,
    long checkpointEverySteps,
    Duration checkpointInterval,
    int evalSample,
    int scorerPort,
    String dashboardHost,
    int dashboardPort,
    Duration dashboardPoll,
    boolean secured) {

  public static final LoadSlice DEFAULT_SLICE =
      new LoadSlice(
          1000, 100, 60, 7L, LoadSlice.EntityScope.REFERENCED, LoadSlice.Selection.NEIGHBOURHOOD);

  /**
   * The slice streams in under two minutes; the trainer replays recent batches once it has all been
   * seen.
   */
  public static final double DEFAULT_RATE = 10;

  public static final int DEFAULT_CONTRASTIVE_BATCH = 24;
  public static final int DEFAULT_INSTRUCTION_BATCH = 4;

  /**
   * About one checkpoint every 20–40 s on two cores: often enough for a curve, rare enough for the
   * re-index budget.
   */
  public static final long DEFAULT_CHECKPOINT_EVERY_STEPS = 100;

  /**
   * Steps whose batches the trainer keeps to train on again while the stream is quiet: more than
   * the whole slice.
   */
  public static final int DEFAULT_IDLE_REPLAY_STEPS = 1024;

  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(90);
  public static final int DEFAULT_EVAL_SAMPLE = 100;

  /**
   * The paper's 100 warmup steps take minutes here; a short warmup lets the first checkpoints
   * already differ.
   */
  public static final long DEFAULT_WARMUP_STEPS = 20;

  /**
   * Flink checkpoints commit the batches to read_committed consumers: often, so the trainer starts
   * early.
   */
  public static final Duration DEFAULT_FLINK_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

  /**
   * A partial batch waits this long (event time) for more triples before it goes out filled from
   * the replay buffer.
   */
  public static final Duration DEFAULT_BATCH_TIMEOUT = Duration.ofSeconds(10);

  public static final Duration DEFAULT_IDLENESS = Duration.ofSeconds(5);
  public static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofSeconds(1);

  /** The KaLM defaults with another learning-rate warmup. */
  public static TrainerSettings trainerSettings(long warmupSteps) {
    return TrainerSettings.builder().warmupSteps(warmupSteps).build();
  }

  public Path runtimeDir() {
    return workDir.resolve("runtime");
  }

  public Path flinkCheckpointDir() {
    return workDir.resolve("flink-checkpoints");
  }

  public Path adapterCheckpointDir() {
    return workDir.resolve("checkpoints");
  }

  public Path scorerStateDir() {
    return workDir.resolve("scorer-state");
  }
}
