package io.kalmstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kalmstream.batching.DatasetBatches;
import io.kalmstream.batching.Examples;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TextViews;
import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.ModelBenchmark;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.trainer.KalmTrainer;
import io.kalmstream.trainer.StepResult;
import io.kalmstream.trainer.TrainerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trainer throughput on real batches of a dataset: the same KaLM steps as {@code kalm train
 * --dataset}, timed after a few unmeasured ones, for the settings of before issue 11 and for
 * today's defaults, one after the other in one process, so their ratio compares like with like.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Trainer throughput on real dataset batches: pairs/s, tokens/s and the achieved model FLOP/s as a share "
          + "of the matmul peak measured in the same run.",
      "Runs the configurations of --configs one after the other on the same batches: 'before' (views as sent, "
          + "128-token cut, one pass per view, the whole instruction sequence per example, N 24 / M 4) and "
          + "'defaults' (today's defaults, changed by the options below). Writes train.json and train.md under --out."
    })
final class BenchTrainCommand implements Callable<Integer> {

  @Mixin ModelDirOption model;
  @Mixin DatasetDirOption dataset;

  @Option(
      names = "--configs",
      split = ",",
      defaultValue = "before,defaults",
      description = "Configurations to run, in order: before, defaults. Default: ${DEFAULT-VALUE}.")
  List<String> configs;

  @Option(
      names = "--steps",
      defaultValue = "30",
      description = "Measured steps per configuration. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(
      names = "--warmup-steps",
      defaultValue = "5",
      description =
          "Unmeasured steps first (the engine's first passes are slow). Default: ${DEFAULT-VALUE}.")
  int warmupSteps;

  @Option(
      names = "--contrastive-batch",
      paramLabel = "N",
      defaultValue = "" + TrainCommand.DEFAULT_CONTRASTIVE_BATCH,
      description = "N of the 'defaults' run. Default: ${DEFAULT-VALUE}.")
  int contrastiveBatch;

  @Option(
      names = "--instruction-batch",
      paramLabel = "M",
      defaultValue = "" + TrainCommand.DEFAULT_INSTRUCTION_BATCH,
      description = "M of the 'defaults' run. Default: ${DEFAULT-VALUE}.")
  int instructionBatch;

  @Option(
      names = "--length-buckets",
      paramLabel = "K",
      description = "Length groups of the 'defaults' run.")
  Integer lengthBuckets;

  @Option(
      names = "--max-part-tokens",
      description = "Part cut of the 'defaults' run (0: views as sent).")
  Integer maxPartTokens;

  @Option(
      names = "--shared-prefix",
      negatable = true,
      description = "Shared instruction prefix in the 'defaults' run.")
  Boolean sharedPrefix;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "PyTorch intra-op threads for this run (default: KALM_TORCH_THREADS, else the engine's).")
  Integer threads;

  @Option(
      names = "--peak-sizes",
      split = ",",
      defaultValue = "256,512,1024",
      description = "Square matmul sizes tried for the peak. Default: ${DEFAULT-VALUE}.")
  List<Integer> peakSizes;

  @Option(
      names = "--out",
      defaultValue = "target/bench",
      description = "Output directory. Default: ${DEFAULT-VALUE}.")
  Path out;

  /** One configuration's figures. */
  record Figures(
      String config,
      int contrastiveBatch,
      int instructionBatch,
      int maxPartTokens,
      int maxTextTokens,
      int lengthBuckets,
      boolean sharedPrefix,
      int steps,
      double seconds,
      long pairs,
      long tokens,
      double flops,
      double pairsPerSecond,
      double tokensPerSecond,
      double flopsPerSecond,
      double shareOfPeak,
      double firstLoss,
      double lastLoss) {}

  @Override
  public Integer call() throws Exception {
    Path modelDir;
    Path datasetDir;
    try {
      modelDir = model.modelDir();
      datasetDir = dataset.datasetDir();
      for (String c : configs) {
        if (!c.equals("before") && !c.equals("defaults")) {
          throw new IllegalArgumentException(
              "unknown configuration '" + c + "' (before, defaults)");
        }
      }
      if (steps < 1 || warmupSteps < 0) {
        throw new IllegalArgumentException("--steps must be >= 1 and --warmup-steps >= 0");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("kalm bench train: " + e.getMessage());
      return 2;
    }
    if (threads != null) {
      EngineEnvironment.setEngineThreads(threads);
    }
    ModelOptions options = EngineEnvironment.modelOptions();
    MachineInfo machine = MachineInfo.current();
    DatasetBatches batches =
        new DatasetBatches(KgDatasetReader.read(datasetDir), new Examples(TextViews.defaults()));
    List<Figures> results = new ArrayList<>();
    ModelBenchmark.MatmulPeak peak;
    try (LlamaModel probe = LlamaModel.load(modelDir, options)) {
      peak = ModelBenchmark.peak(probe, peakSizes, 2.0);
    }
    for (String config : configs) {
      TrainerSettings settings = settings(config);
      int n = config.equals("before") ? 24 : contrastiveBatch;
      int m = config.equals("before") ? 4 : instructionBatch;
      results.add(run(config, settings, n, m, modelDir, options, batches, peak.flopsPerSecond()));
    }
    double loadAfter = MachineInfo.loadNow();
    Files.createDirectories(out);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("date", Instant.now().toString());
    json.put("machine", machine.toJson());
    json.put("load_average_at_end", loadAfter);
    json.put("model", modelDir.toString());
    json.put("dataset", datasetDir.toString());
    json.put("threads", EngineEnvironment.engineThreads());
    json.put("device", options.device().toString());
    json.put("precision", options.baseType().toString());
    json.put("peak_matmul_flops_per_second", peak.flopsPerSecond());
    json.put("results", results);
    if (results.size() == 2) {
      json.put(
          "pairs_per_second_ratio",
          results.get(1).pairsPerSecond() / results.get(0).pairsPerSecond());
    }
    Files.writeString(
        out.resolve("train.json"),
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json)
            + "\n");
    String markdown = markdown(results, machine, loadAfter, peak, options);
    Files.writeString(out.resolve("train.md"), markdown);
    System.out.print(markdown);
    return 0;
  }

  private TrainerSettings settings(String config) {
    if (config.equals("before")) {
      return TrainerSettings.builder()
          .maxPartTokens(0)
          .maxTextTokens(128)
          .lengthBuckets(1)
          .sharedPrefix(false)
          .build();
    }
    TrainerSettings.Builder b = TrainerSettings.builder();
    if (lengthBuckets != null) {
      b.lengthBuckets(lengthBuckets);
    }
    if (maxPartTokens != null) {
      b.maxPartTokens(maxPartTokens);
    }
    if (sharedPrefix != null) {
      b.sharedPrefix(sharedPrefix);
    }
    return b.build();
  }

  private Figures run(
      String config,
      TrainerSettings settings,
      int n,
      int m,
      Path modelDir,
      ModelOptions options,
      DatasetBatches batches,
      double peakFlops) {
    Iterator<ContrastiveBatch> contrastive = batches.contrastiveEpoch(0, n, settings.seed());
    Iterator<InstructionBatch> instruction = batches.instructionEpoch(0, m, settings.seed());
    double seconds = 0;
    long pairs = 0;
    long tokens = 0;
    double flops = 0;
    double firstLoss = Double.NaN;
    double lastLoss = Double.NaN;
    try (LlamaModel llama = LlamaModel.load(modelDir, options)) {
      llama.addLora(settings.lora(), settings.seed());
      try (KalmTrainer trainer = new KalmTrainer(llama, settings)) {
        for (int i = 0; i < warmupSteps + steps; i++) {
          StepResult r = trainer.train(contrastive.next(), List.of(instruction.next()));
          if (i < warmupSteps) {
            continue;
          }
          if (Double.isNaN(firstLoss)) {
            firstLoss = r.loss();
          }
          lastLoss = r.loss();
          seconds += r.seconds();
          pairs += r.pairs();
          tokens += r.tokens();
          flops += r.flops();
          System.out.printf(
              Locale.ROOT,
              "\r%-8s step %d/%d  %.1f pairs/s  %.0f tokens/s   ",
              config,
              i - warmupSteps + 1,
              steps,
              pairs / seconds,
              tokens / seconds);
          System.out.flush();
        }
      }
    }
    System.out.println();
    return new Figures(
        config,
        n,
        m,
        settings.maxPartTokens(),
        settings.maxTextTokens(),
        settings.lengthBuckets(),
        settings.sharedPrefix(),
        steps,
        seconds,
        pairs,
        tokens,
        flops,
        pairs / seconds,
        tokens / seconds,
        flops / seconds,
        flops / seconds / peakFlops,
        firstLoss,
        lastLoss);
  }

  private String markdown(
      List<Figures> results,
      MachineInfo machine,
      double loadAfter,
      ModelBenchmark.MatmulPeak peak,
      ModelOptions options) {
    StringBuilder s = new StringBuilder("## kalm bench train\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "- date %s; %d cores (%s), %s on %s, threads %s; load average %.1f at start, %.1f at end%n",
            Instant.now(),
            machine.cores(),
            machine.cpuModel(),
            options.baseType(),
            options.device(),
            EngineEnvironment.engineThreads(),
            machine.loadAverage(),
            loadAfter));
    s.append(
        String.format(
            Locale.ROOT,
            "- %d measured steps per configuration after %d unmeasured; matmul peak %.2f GFLOP/s (N=%d, same run)%n%n",
            steps,
            warmupSteps,
            peak.flopsPerSecond() / 1e9,
            peak.size()));
    s.append(
        "| config | N | M | part cut | text cut | buckets | shared prefix | pairs/s | tokens/s | model GFLOP/s | share of peak |\n");
    s.append("|---|---:|---:|---|---:|---:|---|---:|---:|---:|---:|\n");
    for (Figures f : results) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %s | %d | %d | %s | %.1f | %.0f | %.2f | %.1f %% |%n",
              f.config(),
              f.contrastiveBatch(),
              f.instructionBatch(),
              f.maxPartTokens() == 0 ? "50 words" : f.maxPartTokens() + " tokens",
              f.maxTextTokens(),
              f.lengthBuckets(),
              f.sharedPrefix() ? "yes" : "no",
              f.pairsPerSecond(),
              f.tokensPerSecond(),
              f.flopsPerSecond() / 1e9,
              100 * f.shareOfPeak()));
    }
    if (results.size() == 2) {
      s.append(
          String.format(
              Locale.ROOT,
              "%npairs/s ratio %s / %s: %.2f%n",
              results.get(1).config(),
              results.get(0).config(),
              results.get(1).pairsPerSecond() / results.get(0).pairsPerSecond()));
    }
    return s.toString();
  }
}
