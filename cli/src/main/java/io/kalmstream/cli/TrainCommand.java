package io.kalmstream.cli;

import io.kalmstream.checkpoints.CheckpointLocation;
import io.kalmstream.checkpoints.CheckpointStore;
import io.kalmstream.checkpoints.CheckpointStores;
import io.kalmstream.model.LoraConfig;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.trainer.StepResult;
import io.kalmstream.trainer.TrainerRuns;
import io.kalmstream.trainer.TrainerSettings;
import io.kalmstream.trainer.loop.KafkaTrainerConfig;
import io.kalmstream.trainer.loop.LoopSettings;
import io.kalmstream.trainer.loop.Sourced;
import io.kalmstream.trainer.loop.TrainingLoop;
import io.kalmstream.trainer.metrics.TrainerMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fine-tune LoRA adapters with the KaLM objective, from Kafka or from a dataset directory.",
      "Without --dataset it consumes kg.batches.contrastive and kg.batches.instruction and announces checkpoints on "
          + "kg.checkpoints; with --dataset it builds the same batches from a KG-BERT-layout directory.",
      "Either way it resumes from the newest checkpoint under --out when there is one."
    })
final class TrainCommand implements Callable<Integer> {
  /**
   * N of batches built from --dataset. The paper's 24 was what a 7B model's activations left room
   * for on its GPUs; a small model on a CPU spends most of a step on per-operation overhead, so 64
   * rows cost about 1.3× the time of 24 (kalm bench train) for 2.7× the pairs and the in-batch
   * negatives.
   */
  static final int DEFAULT_CONTRASTIVE_BATCH = 64;

  /** M of batches built from --dataset (paper: 4). */
  static final int DEFAULT_INSTRUCTION_BATCH = 4;

  /** Where checkpoints of an s3:// --out are staged and resumed from without --checkpoint-cache. */
  static final Path DEFAULT_CHECKPOINT_CACHE = Path.of(".kalm", "trainer", "checkpoint-cache");

  @Mixin ModelDirOption model;
  @Mixin KafkaOptions kafka;
  @Mixin HttpBindOption http;

  @Option(
      names = "--dataset",
      paramLabel = "DIR",
      arity = "0..1",
      fallbackValue = "",
      description =
          "Train from this KG-BERT-layout dataset instead of Kafka; without a value ../shared/"
              + SharedResources.DEFAULT_DATASET
              + ".")
  Path dataset;

  @Option(
      names = {"--out", "--checkpoint-dir"},
      paramLabel = "DIR|s3://BUCKET/PREFIX",
      defaultValue = ".kalm/checkpoints",
      converter = CheckpointStoreOptions.LocationConverter.class,
      description =
          "Checkpoint store: a directory, or s3://bucket/prefix for processes on several machines "
              + "(see --s3-endpoint). Default: ${DEFAULT-VALUE}.")
  CheckpointLocation out;

  @Mixin CheckpointStoreOptions checkpointStore;

  @Option(
      names = "--max-steps",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Stop once this many optimizer steps are done in total, resumed ones included (0: no limit).")
  long maxSteps;

  @Option(
      names = "--minutes",
      paramLabel = "M",
      defaultValue = "0",
      description = "Stop after M minutes of this run (0: no limit).")
  double minutes;

  // ---- the KaLM objective
  @Option(
      names = "--contrastive-batch",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_CONTRASTIVE_BATCH,
      description =
          "Pairs per contrastive batch built from --dataset (paper: 24). Default: ${DEFAULT-VALUE}.")
  int contrastiveBatch;

  @Option(
      names = "--instruction-batch",
      paramLabel = "M",
      defaultValue = "" + DEFAULT_INSTRUCTION_BATCH,
      description =
          "Examples per instruction batch built from --dataset (paper: 4). Default: ${DEFAULT-VALUE}.")
  int instructionBatch;

  @Option(
      names = "--lambda",
      defaultValue = "0.1",
      description = "Weight of the instruction loss. Default: ${DEFAULT-VALUE}.")
  double lambda;

  @Option(
      names = "--margin",
      defaultValue = "0.02",
      description = "Additive margin gamma. Default: ${DEFAULT-VALUE}.")
  float margin;

  @Option(
      names = "--tau",
      defaultValue = "0.05",
      description = "Initial temperature. Default: ${DEFAULT-VALUE}.")
  double tau;

  @Option(
      names = "--tau-min",
      defaultValue = "0.01",
      description = "Temperature lower clamp. Default: ${DEFAULT-VALUE}.")
  double tauMin;

  @Option(
      names = "--tau-max",
      defaultValue = "1.0",
      description = "Temperature upper clamp. Default: ${DEFAULT-VALUE}.")
  double tauMax;

  @Option(
      names = "--false-negative-mask",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Mask known true answers out of the in-batch negatives (--no-false-negative-mask to ablate).")
  boolean falseNegativeMask;

  @Option(
      names = "--instruction-ratio",
      defaultValue = "1.0",
      description =
          "Instruction batches per contrastive batch (fractional allowed). Default: ${DEFAULT-VALUE}.")
  double instructionRatio;

  // ---- optimizer and schedule
  @Option(
      names = "--lr",
      defaultValue = "0",
      description =
          "Peak learning rate; 0 picks it from the model size: 1e-4 * (7e9 / parameters)^(1/4) in "
              + "[1e-4, 2e-3], 1.3e-3 for stories260K (paper: 1e-4 for 7B). Default: ${DEFAULT-VALUE}.")
  double lr;

  @Option(
      names = "--warmup",
      paramLabel = "STEPS",
      defaultValue = "50",
      description = "Warmup steps. Default: ${DEFAULT-VALUE}.")
  long warmup;

  @Option(
      names = "--horizon",
      paramLabel = "STEPS",
      defaultValue = "0",
      description =
          "Step at which a cosine decay reaches the floor, constant afterwards; 0 keeps the peak after the "
              + "warmup, for a stream without an end (paper: cosine over the run). Default: ${DEFAULT-VALUE}.")
  long horizon;

  @Option(
      names = "--lr-floor",
      paramLabel = "RATIO",
      defaultValue = "0.1",
      description = "Floor of the schedule as a fraction of --lr. Default: ${DEFAULT-VALUE}.")
  double lrFloor;

  @Option(
      names = "--weight-decay",
      defaultValue = "0.001",
      description = "AdamW decoupled weight decay. Default: ${DEFAULT-VALUE}.")
  double weightDecay;

  @Option(
      names = "--grad-clip",
      defaultValue = "10.0",
      description = "Global gradient-norm clip. Default: ${DEFAULT-VALUE}.")
  double gradClip;

  @Option(
      names = "--embedding-chunk",
      paramLabel = "PAIRS",
      defaultValue = "0",
      description =
          "Embed at most this many texts per forward pass (GradCache accumulation); 0: the whole batch.")
  int embeddingChunk;

  @Option(
      names = "--max-part-tokens",
      defaultValue = "50",
      description =
          "Token cut of each part of a view (entity text, relation text) before it is wrapped; 0 takes "
              + "the views as the batch sent them (50 words a part). Default: ${DEFAULT-VALUE}.")
  int maxPartTokens;

  @Option(
      names = "--max-text-tokens",
      defaultValue = "128",
      description =
          "Safety cut of each whole D_hr / D_t token sequence. Default: ${DEFAULT-VALUE}.")
  int maxTextTokens;

  @Option(
      names = "--length-buckets",
      paramLabel = "K",
      defaultValue = "2",
      description =
          "Embed a contrastive batch's texts in at most K groups of similar length. Default: ${DEFAULT-VALUE}.")
  int lengthBuckets;

  @Option(
      names = "--shared-prefix",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Run the instruction sequences' common prefix (the Alpaca preamble) once per batch "
              + "(--no-shared-prefix: once per example).")
  boolean sharedPrefix;

  @Option(
      names = "--max-instruction-tokens",
      defaultValue = "256",
      description = "Token cut of each instruction sequence. Default: ${DEFAULT-VALUE}.")
  int maxInstructionTokens;

  // ---- LoRA
  @Option(
      names = "--lora-r",
      defaultValue = "8",
      description = "LoRA rank. Default: ${DEFAULT-VALUE}.")
  int loraRank;

  @Option(
      names = "--lora-alpha",
      defaultValue = "16",
      description = "LoRA alpha. Default: ${DEFAULT-VALUE}.")
  double loraAlpha;

  @Option(
      names = "--lora-dropout",
      defaultValue = "0.05",
      description = "LoRA dropout. Default: ${DEFAULT-VALUE}.")
  double loraDropout;

  @Option(
      names = "--lora-targets",
      split = ",",
      defaultValue = "gate_proj,up_proj,down_proj",
      description = "Projections with an adapter. Default: ${DEFAULT-VALUE}.")
  List<String> loraTargets;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the adapter init, data order and dropout.")
  long seed;

  // ---- loop, checkpoints, metrics
  @Option(
      names = "--checkpoint-every",
      paramLabel = "STEPS",
      defaultValue = "500",
      description =
          "Checkpoint after this many steps (0: only by time and at the end). Default: ${DEFAULT-VALUE}.")
  long checkpointEvery;

  @Option(
      names = "--checkpoint-seconds",
      paramLabel = "T",
      defaultValue = "600",
      description =
          "Checkpoint when T seconds passed since the last one (0: never by time). Default: ${DEFAULT-VALUE}.")
  long checkpointSeconds;

  @Option(
      names = "--keep",
      paramLabel = "K",
      defaultValue = "5",
      description = "Checkpoints kept in --out. Default: ${DEFAULT-VALUE}.")
  int keep;

  @Option(
      names = "--model-name",
      defaultValue = "kalm",
      description = "Name checkpoints are announced under. Default: ${DEFAULT-VALUE}.")
  String modelName;

  @Option(
      names = "--group-id",
      defaultValue = "kalm-trainer",
      description = "Kafka consumer group. Default: ${DEFAULT-VALUE}.")
  String groupId;

  @Option(
      names = "--idle-ms",
      defaultValue = "1000",
      description =
          "Wait for a contrastive batch before training on instruction batches alone. Default: ${DEFAULT-VALUE}.")
  long idleMs;

  @Option(
      names = "--idle-replay",
      paramLabel = "STEPS",
      defaultValue = "0",
      description =
          "While the batch topics are idle, train again on the batches of one of the last STEPS steps "
              + "(drawn at random; no offset moves); 0 waits for new batches. Default: ${DEFAULT-VALUE}.")
  int idleReplay;

  @Option(
      names = "--log-every",
      paramLabel = "STEPS",
      defaultValue = "1",
      description = "One log line every this many steps.")
  int logEvery;

  @Option(
      names = "--metrics-port",
      defaultValue = "9400",
      description =
          "Serve Prometheus metrics at http://HOST:PORT/metrics (-1: off). Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Override
  public Integer call() throws Exception {
    Path modelDir;
    Path datasetDir = null;
    TrainerSettings settings;
    try {
      modelDir = model.modelDir();
      if (dataset != null) {
        datasetDir = dataset.toString().isEmpty() ? SharedResources.defaultDatasetDir() : dataset;
      }
      settings = settings();
    } catch (IllegalArgumentException e) {
      System.err.println("kalm train: " + e.getMessage());
      return 2;
    }
    LoopSettings loop = loopSettings();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    // On SIGTERM/Ctrl-C: finish the current step, write a last checkpoint, then let the JVM go.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.set(true);
                  try {
                    finished.await(120, TimeUnit.SECONDS);
                  } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                  }
                },
                "kalm-train-shutdown"));
    try (TrainerMetrics metrics = new TrainerMetrics();
        CheckpointStore store =
            CheckpointStores.open(
                out,
                keep,
                checkpointStore.s3For(out),
                checkpointStore.cache != null ? checkpointStore.cache : DEFAULT_CHECKPOINT_CACHE)) {
      if (metricsPort >= 0) {
        metrics.serve(http.bindAddress, metricsPort);
      }
      List<TrainingLoop.StepListener> listeners = new ArrayList<>();
      if (datasetDir != null) {
        listeners.add(new ProgressLine(maxSteps));
      }
      TrainerRuns.Common common =
          new TrainerRuns.Common(
              modelDir,
              EngineEnvironment.modelOptions(),
              settings,
              store,
              loop,
              metrics,
              listeners);
      TrainingLoop.Result outcome =
          datasetDir != null
              ? TrainerRuns.fromDataset(
                  common, datasetDir, contrastiveBatch, instructionBatch, stop::get)
              : TrainerRuns.fromKafka(common, kafkaConfig(), stop::get);
      System.out.println();
      System.out.println(
          "kalm train: "
              + outcome.reason()
              + "; step "
              + outcome.steps()
              + (outcome.lastCheckpoint() == null
                  ? ""
                  : "; newest checkpoint " + outcome.lastCheckpoint().uri()));
      return 0;
    } finally {
      finished.countDown();
    }
  }

  private KafkaTrainerConfig kafkaConfig() {
    KafkaConnection connection = kafka.checkedConnection();
    return KafkaTrainerConfig.of(
            connection.bootstrapServers(), connection.registry(), groupId, kafka.topics())
        .withClientOverrides(connection.clientProperties().asMap());
  }

  LoopSettings loopSettings() {
    return LoopSettings.builder()
        .checkpointEverySteps(checkpointEvery)
        .checkpointInterval(checkpointSeconds > 0 ? Duration.ofSeconds(checkpointSeconds) : null)
        .maxSteps(maxSteps)
        .maxDuration(minutes > 0 ? Duration.ofMillis((long) (minutes * 60_000)) : null)
        .idleWait(Duration.ofMillis(idleMs))
        .modelName(modelName)
        .logEverySteps(logEvery)
        .idleReplay(idleReplay)
        .build();
  }

  TrainerSettings settings() {
    if (contrastiveBatch < 2 || instructionBatch < 1) {
      throw new IllegalArgumentException(
          "--contrastive-batch must be >= 2 and --instruction-batch >= 1");
    }
    return TrainerSettings.builder()
        .margin(margin)
        .initialTau(tau)
        .minTau(tauMin)
        .maxTau(tauMax)
        .lambda(lambda)
        .falseNegativeMask(falseNegativeMask)
        .weightDecay(weightDecay)
        .learningRate(lr)
        .warmupSteps(warmup)
        .horizonSteps(horizon)
        .floorRatio(lrFloor)
        .maxGradNorm(gradClip)
        .embeddingChunk(embeddingChunk)
        .maxPartTokens(maxPartTokens)
        .maxTextTokens(maxTextTokens)
        .lengthBuckets(lengthBuckets)
        .maxInstructionTokens(maxInstructionTokens)
        .sharedPrefix(sharedPrefix)
        .instructionRatio(instructionRatio)
        .lora(new LoraConfig(loraRank, loraAlpha, loraDropout, loraTargets, false))
        .seed(seed)
        .build();
  }

  /** A one-line progress display for runs from a dataset, redrawn at most every two seconds. */
  private static final class ProgressLine implements TrainingLoop.StepListener {
    private final long maxSteps;
    private final long started = System.nanoTime();
    private long lastDrawn;

    ProgressLine(long maxSteps) {
      this.maxSteps = maxSteps;
    }

    @Override
    public void trained(
        StepResult r, Sourced<ContrastiveBatch> c, List<Sourced<InstructionBatch>> i) {
      long now = System.nanoTime();
      if (now - lastDrawn < 2_000_000_000L) {
        return;
      }
      lastDrawn = now;
      String target = maxSteps > 0 ? "/" + maxSteps : "";
      System.out.printf(
          "\rstep %d%s  loss %.4f  exp %.4f  imp %.4f  tau %.4f  lr %.2e  %.1f pairs/s  %.0f tokens/s  %ds   ",
          r.step() + 1,
          target,
          r.loss(),
          r.contrastiveLoss(),
          r.instructionLoss(),
          r.tau(),
          r.learningRate(),
          r.pairs() / r.seconds(),
          r.tokens() / r.seconds(),
          (now - started) / 1_000_000_000L);
      System.out.flush();
    }
  }
}
