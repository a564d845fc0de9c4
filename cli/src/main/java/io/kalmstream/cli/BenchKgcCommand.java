package io.kalmstream.cli;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.checkpoints.DirectoryCheckpointStore;
import io.kalmstream.checkpoints.StoredCheckpoint;
import io.kalmstream.trainer.eval.EvaluationReport;
import io.kalmstream.trainer.eval.EvaluationSettings;
import io.kalmstream.trainer.eval.ModelEvaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "kgc",
    mixinStandardHelpOptions = true,
    description = {
      "Knowledge-graph completion benchmark (the KaLM protocol): evaluates the untrained model, trains a LoRA "
          + "adapter with `kalm train --dataset` for a wall-clock budget (or a number of epochs), evaluates the "
          + "adapter, and writes kgc.json and kgc.md under --out with the configuration, the machine and both rows.",
      "Training uses the trainer's defaults (N = 64, M = 4, lambda = 0.1, LoRA r 8 / alpha "
          + "16 on gate/up/down). Any `kalm train` option given after `--` is passed through unchanged; --ablation "
          + "adds the trainer flags of a paper ablation."
    })
final class BenchKgcCommand implements Callable<Integer> {

  /**
   * Options of `kalm train` the benchmark reads from the pass-through, with the trainer's defaults.
   */
  static final String TRAIN_BATCH_OPTION = "--contrastive-batch";

  static final int TRAIN_BATCH_DEFAULT = TrainCommand.DEFAULT_CONTRASTIVE_BATCH;
  static final String TRAIN_TEXT_TOKENS_OPTION = "--max-text-tokens";
  static final String TRAIN_METRICS_PORT_OPTION = "--metrics-port";
  static final String RESULTS = "kgc";

  @Mixin ModelDirOption model;
  @Mixin DatasetDirOption dataset;
  @Mixin EvalOptions eval;

  @Option(
      names = "--budget-minutes",
      paramLabel = "M",
      required = true,
      description = "Wall-clock training budget in minutes (evaluation time not included).")
  double budgetMinutes;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      description = "Also stop after E epochs of the training split (whichever comes first).")
  Double epochs;

  @Option(
      names = "--ablation",
      paramLabel = "NAME",
      converter = AblationConverter.class,
      description =
          "A paper ablation, repeatable: no-instruction (lambda 0), no-fn-mask, lora-attn-ffn (LoRA on "
              + "attention and FFN), margin-0.")
  List<KgcAblation> ablations = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Results directory (default: target/bench/kgc-<dataset>-<UTC time>, like kalm bench model); "
              + "checkpoints go under DIR/checkpoints.")
  Path out;

  @Option(
      names = "--label",
      description = "Name of the trained row (default: built from the ablations).")
  String label;

  @Option(
      names = "--curve-minutes",
      split = ",",
      paramLabel = "M",
      description =
          "Also rank a dev sample with the checkpoints of these training minutes and of the end: a learning "
              + "curve (the trainer then checkpoints every minute). Default: none.")
  List<Double> curveMinutes = new ArrayList<>();

  @Option(
      names = "--curve-limit",
      paramLabel = "N",
      defaultValue = "500",
      description = "Dev triples of the curve's seeded sample. Default: ${DEFAULT-VALUE}.")
  int curveLimit;

  @Parameters(
      paramLabel = "TRAIN-OPTION",
      description =
          "After `--`: options passed to `kalm train` as they are (e.g. -- --lr 2e-4 --lora-rank 16).")
  List<String> trainPassThrough = new ArrayList<>();

  static final class AblationConverter implements CommandLine.ITypeConverter<KgcAblation> {
    @Override
    public KgcAblation convert(String value) {
      return KgcAblation.parse(value);
    }
  }

  @Override
  public Integer call() throws IOException {
    if (!(budgetMinutes > 0) || (epochs != null && !(epochs > 0))) {
      System.err.println("kalm bench kgc: --budget-minutes and --epochs must be positive");
      return 2;
    }
    Instant started = Instant.now();
    MachineInfo machine = MachineInfo.current();
    Path modelDir;
    Path datasetDir;
    KgDataset kg;
    try {
      modelDir = model.modelDir();
      datasetDir = dataset.datasetDir();
      kg = KgDatasetReader.read(datasetDir);
    } catch (IllegalArgumentException e) {
      System.err.println("kalm bench kgc: " + e.getMessage());
      return 2;
    }
    String datasetName = datasetDir.getFileName().toString();
    Path results =
        out != null
            ? out
            : Path.of(
                "target",
                "bench",
                "kgc-"
                    + datasetName
                    + "-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(started));
    Path checkpoints = results.resolve("checkpoints");
    if (Files.isDirectory(checkpoints)
        && !new DirectoryCheckpointStore(checkpoints, Integer.MAX_VALUE).versions().isEmpty()) {
      // kalm train would resume from them, and the row would not be the budget it claims.
      System.err.println(
          "kalm bench kgc: " + checkpoints + " already holds checkpoints; give a fresh --out");
      return 2;
    }
    Files.createDirectories(results);
    // The evaluation cuts texts where training did.
    EvaluationSettings settings =
        eval.settings(
            "test",
            passThroughInt(TRAIN_TEXT_TOKENS_OPTION, EvaluationSettings.DEFAULT_MAX_TOKENS));
    io.kalmstream.model.ModelOptions modelOptions = EngineEnvironment.modelOptions();

    long t0 = System.nanoTime();
    EvaluationReport untrained =
        ModelEvaluation.run(modelDir, null, kg, datasetName, settings, modelOptions);
    double untrainedSeconds = seconds(t0);

    List<String> trainArgs = trainArgs(modelDir, datasetDir, checkpoints, kg);
    System.err.println("kalm bench kgc: kalm train " + String.join(" ", trainArgs));
    long t1 = System.nanoTime();
    Instant trainStart = Instant.now();
    List<String> command = new ArrayList<>(List.of("train"));
    command.addAll(trainArgs);
    int trainExit = Kalm.commandLine().execute(command.toArray(String[]::new));
    double trainSeconds = seconds(t1);
    if (trainExit != 0) {
      System.err.println("kalm bench kgc: kalm train exited with " + trainExit);
      return trainExit;
    }
    Optional<StoredCheckpoint> latest =
        new DirectoryCheckpointStore(checkpoints, Integer.MAX_VALUE).latest();
    if (latest.isEmpty()) {
      System.err.println("kalm bench kgc: training wrote no checkpoint under " + checkpoints);
      return 1;
    }
    Path adapter = Path.of(latest.get().uri());
    long t2 = System.nanoTime();
    EvaluationReport trained =
        ModelEvaluation.run(modelDir, adapter, kg, datasetName, settings, modelOptions);
    double trainedSeconds = seconds(t2);
    List<CurvePoint> curve =
        curve(trainStart, checkpoints, kg, datasetName, settings, modelDir, modelOptions);

    String trainedLabel = label != null ? label : trainedLabel(modelDir);
    Run untrainedRun =
        new Run(modelDir.getFileName() + " (untrained)", untrained, untrainedSeconds, null, 0, 0);
    Run trainedRun =
        new Run(
            trainedLabel, trained, trainedSeconds, adapter, latest.get().version(), trainSeconds);
    Map<String, Object> json =
        json(started, machine, modelDir, datasetDir, settings, trainArgs, untrainedRun, trainedRun);
    json.put("curve", curve.stream().map(CurvePoint::toJson).toList());
    Files.writeString(
        results.resolve(RESULTS + ".json"), EvalCommand.JSON.writeValueAsString(json) + "\n");
    String markdown =
        markdown(
                started,
                machine,
                modelDir,
                datasetName,
                settings,
                trainArgs,
                untrainedRun,
                trainedRun)
            + curveMarkdown(curve);
    Files.writeString(results.resolve(RESULTS + ".md"), markdown);
    System.out.print(markdown);
    System.err.println("kalm bench kgc: results in " + results.toAbsolutePath());
    return 0;
  }

  /**
   * `kalm train` arguments: the run's paths and stops, the ablations' flags, then the pass-through
   * as given.
   */
  List<String> trainArgs(Path modelDir, Path datasetDir, Path checkpoints, KgDataset kg) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--dataset",
                datasetDir.toString(),
                "--model",
                modelDir.toString(),
                "--out",
                checkpoints.toString(),
                "--minutes",
                number(budgetMinutes)));
    if (epochs != null) {
      args.add("--max-steps");
      args.add(
          Long.toString(
              stepsFor(epochs, kg, passThroughInt(TRAIN_BATCH_OPTION, TRAIN_BATCH_DEFAULT))));
    }
    if (passThroughValue(TRAIN_METRICS_PORT_OPTION).isEmpty()) {
      // Benchmarks may run side by side; none of them needs the trainer's Prometheus port.
      args.add(TRAIN_METRICS_PORT_OPTION);
      args.add("-1");
    }
    if (!curveMinutes.isEmpty() && passThroughValue("--checkpoint-seconds").isEmpty()) {
      args.addAll(List.of("--checkpoint-seconds", "60", "--keep", "100000"));
    }
    for (KgcAblation ablation : ablations) {
      args.addAll(ablation.trainArgs);
    }
    args.addAll(trainPassThrough);
    return args;
  }

  /** The value the pass-through gives {@code option} ("--opt V" or "--opt=V"), if any. */
  Optional<String> passThroughValue(String option) {
    for (int i = 0; i < trainPassThrough.size(); i++) {
      String arg = trainPassThrough.get(i);
      if (arg.equals(option) && i + 1 < trainPassThrough.size()) {
        return Optional.of(trainPassThrough.get(i + 1));
      }
      if (arg.startsWith(option + "=")) {
        return Optional.of(arg.substring(option.length() + 1));
      }
    }
    return Optional.empty();
  }

  int passThroughInt(String option, int trainerDefault) {
    return passThroughValue(option).map(Integer::parseInt).orElse(trainerDefault);
  }

  /**
   * Steps for {@code epochs} passes over the training pairs: every distinct training triple gives a
   * forward and an inverse pair, N to a step.
   */
  static long stepsFor(double epochs, KgDataset kg, int batch) {
    Set<String> distinct = new HashSet<>();
    kg.train().forEach(t -> distinct.add(TripleIds.of(t)));
    long pairs = 2L * distinct.size();
    return Math.max(1, (long) Math.ceil(epochs * pairs / batch));
  }

  private String trainedLabel(Path modelDir) {
    StringBuilder s = new StringBuilder(modelDir.getFileName() + " + KaLM LoRA");
    if (ablations.isEmpty()) {
      s.append(" (defaults)");
    } else {
      s.append(" (");
      for (int i = 0; i < ablations.size(); i++) {
        s.append(i > 0 ? ", " : "").append(ablations.get(i).label);
      }
      s.append(")");
    }
    if (!trainPassThrough.isEmpty()) {
      s.append(" ").append(String.join(" ", trainPassThrough));
    }
    return s.toString();
  }

  /**
   * A point of the learning curve: the checkpoint a training minute had reached, ranked on a dev
   * sample.
   */
  record CurvePoint(double minutes, long version, EvaluationReport report) {
    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("train_minutes", Math.round(minutes * 10) / 10.0);
      json.put("checkpoint_version", version);
      json.putAll(report.toJson());
      return json;
    }
  }

  /**
   * For each curve mark and for the end, the newest checkpoint written by then (by its directory's
   * time), ranked on the seeded dev sample.
   */
  private List<CurvePoint> curve(
      Instant trainStart,
      Path checkpoints,
      KgDataset kg,
      String datasetName,
      EvaluationSettings test,
      Path modelDir,
      io.kalmstream.model.ModelOptions options)
      throws IOException {
    if (curveMinutes.isEmpty()) {
      return List.of();
    }
    DirectoryCheckpointStore store = new DirectoryCheckpointStore(checkpoints, Integer.MAX_VALUE);
    Map<Long, Double> minuteOf = new java.util.TreeMap<>();
    for (long version : store.versions()) {
      Path dir = checkpoints.resolve(DirectoryCheckpointStore.directoryName(version));
      Instant written = Files.getLastModifiedTime(dir).toInstant();
      minuteOf.put(version, (written.toEpochMilli() - trainStart.toEpochMilli()) / 60_000.0);
    }
    List<Double> marks = new ArrayList<>(curveMinutes);
    marks.add(Double.MAX_VALUE);
    EvaluationSettings dev =
        new EvaluationSettings("dev", curveLimit, test.seed(), test.maxTokens(), test.cacheDir());
    List<CurvePoint> points = new ArrayList<>();
    for (double mark : marks) {
      Map.Entry<Long, Double> reached = null;
      for (Map.Entry<Long, Double> e : minuteOf.entrySet()) {
        if (e.getValue() <= mark + 0.5) {
          reached = e;
        }
      }
      long version = reached == null ? -1 : reached.getKey();
      if (reached == null || points.stream().anyMatch(p -> p.version() == version)) {
        continue;
      }
      Path adapter = checkpoints.resolve(DirectoryCheckpointStore.directoryName(reached.getKey()));
      System.err.printf(
          Locale.ROOT,
          "kalm bench kgc: curve point at %.1f min: checkpoint %d on %d dev triples%n",
          reached.getValue(),
          reached.getKey(),
          curveLimit);
      points.add(
          new CurvePoint(
              reached.getValue(),
              reached.getKey(),
              ModelEvaluation.run(modelDir, adapter, kg, datasetName, dev, options)));
    }
    return points;
  }

  private String curveMarkdown(List<CurvePoint> curve) {
    if (curve.isEmpty()) {
      return "";
    }
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%nLearning curve (dev sample of %d triples, seed 42, filtered, both directions):%n%n",
                curveLimit));
    s.append(
        "| train minutes | checkpoint | MR | MRR | H@1 | H@3 | H@10 |\n|---:|---:|---:|---:|---:|---:|---:|\n");
    for (CurvePoint p : curve) {
      var m = p.report().average();
      s.append(
          String.format(
              Locale.ROOT,
              "| %.1f | %d | %.1f | %.4f | %.4f | %.4f | %.4f |%n",
              p.minutes(),
              p.version(),
              m.meanRank(),
              m.meanReciprocalRank(),
              m.hitsAt(1),
              m.hitsAt(3),
              m.hitsAt(10)));
    }
    return s.toString();
  }

  /** One row of the results: the figures, and what it cost. */
  record Run(
      String label,
      EvaluationReport report,
      double evalSeconds,
      Path adapter,
      long steps,
      double trainSeconds) {

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("label", label);
      json.putAll(report.toJson());
      json.put("eval_wall_seconds", Math.round(evalSeconds * 10) / 10.0);
      if (adapter != null) {
        json.put("adapter", adapter.toString());
        json.put("steps", steps);
        json.put("train_wall_seconds", Math.round(trainSeconds * 10) / 10.0);
      }
      return json;
    }
  }

  private Map<String, Object> json(
      Instant started,
      MachineInfo machine,
      Path modelDir,
      Path datasetDir,
      EvaluationSettings settings,
      List<String> trainArgs,
      Run untrained,
      Run trained) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "kgc");
    json.put("date", started.toString());
    Map<String, Object> machineJson = machine.toJson();
    machineJson.put("load_average_at_end", MachineInfo.loadNow());
    json.put("machine", machineJson);
    json.put("engine_threads", EngineEnvironment.engineThreads());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("model", modelDir.toString());
    config.put("dataset", datasetDir.toString());
    config.put("budget_minutes", budgetMinutes);
    config.put("epochs", epochs);
    config.put("ablations", ablations.stream().map(a -> a.label).toList());
    config.put("train_args", trainArgs);
    config.put("eval_split", settings.split());
    config.put("eval_limit", settings.limit());
    config.put("eval_sample_seed", settings.seed());
    config.put("eval_max_text_tokens", settings.maxTokens());
    json.put("configuration", config);
    json.put("untrained", untrained.toJson());
    json.put("trained", trained.toJson());
    json.put("total_wall_seconds", Math.round(seconds(started) * 10) / 10.0);
    return json;
  }

  private String markdown(
      Instant started,
      MachineInfo machine,
      Path modelDir,
      String datasetName,
      EvaluationSettings settings,
      List<String> trainArgs,
      Run untrained,
      Run trained) {
    StringBuilder s = new StringBuilder();
    s.append("## kalm bench kgc: ").append(datasetName).append("\n\n");
    s.append("- date: ")
        .append(started)
        .append("; total wall time ")
        .append(String.format(Locale.ROOT, "%.1f min", seconds(started) / 60))
        .append('\n');
    s.append("- machine: ")
        .append(machine.describe())
        .append(
            String.format(
                Locale.ROOT,
                ", %.1f at end; PyTorch threads: %s%n",
                MachineInfo.loadNow(),
                EngineEnvironment.engineThreads()));
    s.append("- model: ").append(modelDir).append('\n');
    s.append("- train: `kalm train ").append(String.join(" ", trainArgs)).append("`\n");
    s.append(
        String.format(
            Locale.ROOT,
            "- eval: %s split, %s, filtered, both directions averaged; text cut %d " + "tokens%n%n",
            settings.split(),
            settings.limit() > 0
                ? "seeded sample of " + settings.limit() + " triples (seed " + settings.seed() + ")"
                : "all triples",
            settings.maxTokens()));
    s.append("| model | triples | MR | MRR | H@1 | H@3 | H@10 | train | steps | eval |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    s.append(row(untrained, "-", "-"));
    s.append(
        row(
            trained,
            String.format(Locale.ROOT, "%.1f min", trained.trainSeconds() / 60),
            Long.toString(trained.steps())));
    s.append(PAPER_ROW);
    return s.toString();
  }

  /** The paper's published WN18RR row, for reference. */
  static final String PAPER_ROW =
      "| KaLM Llama-2-7B (paper, WN18RR) | 3134 | 19 | 0.556 | 0.409 | 0.656 | 0.851 | - | - | - |\n";

  private static String row(Run run, String train, String steps) {
    String figures = run.report().markdownRow(run.label());
    return figures
        + String.format(
            Locale.ROOT, " %s | %s | %.1f min |%n", train, steps, run.evalSeconds() / 60);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double seconds(Instant started) {
    return (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
