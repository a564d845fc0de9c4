package io.kalmstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.ModelBenchmark;
import io.kalmstream.model.ModelOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description =
        "Model throughput: forward and forward+backward tokens/s, and achieved FLOP/s as a share of "
            + "the peak matmul FLOP/s measured in the same run. Writes model.json and model.md under --out.")
final class BenchModelCommand implements Callable<Integer> {

  @Mixin ModelDirOption model;

  @Option(
      names = "--batch",
      defaultValue = "8",
      description = "Sequences per pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--seq-len",
      defaultValue = "256",
      description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
  int length;

  @Option(
      names = "--seconds",
      defaultValue = "3",
      description = "Seconds per measurement (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--matmul-sizes",
      split = ",",
      defaultValue = "256,512,1024,2048",
      description = "Square matmul sizes tried for the peak (default: ${DEFAULT-VALUE}).")
  List<Integer> matmulSizes;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "PyTorch intra-op threads for this run (default: the engine's, one per core).")
  Integer threads;

  @Option(
      names = "--out",
      defaultValue = "target/bench",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws IOException {
    Path dir;
    try {
      dir = model.modelDir();
    } catch (IllegalArgumentException e) {
      System.err.println("kalm bench model: " + e.getMessage());
      return 2;
    }
    if (threads != null) {
      EngineEnvironment.setEngineThreads(threads);
    }
    ModelOptions options = EngineEnvironment.modelOptions();
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    ModelBenchmark.Settings settings =
        new ModelBenchmark.Settings(batch, length, seconds, matmulSizes);
    ModelBenchmark.Result result;
    try (LlamaModel llama = LlamaModel.load(dir, options)) {
      if (length > llama.config().maxPositionEmbeddings()) {
        System.err.println(
            "kalm bench model: --seq-len "
                + length
                + " exceeds the model's "
                + llama.config().maxPositionEmbeddings()
                + " positions");
        return 2;
      }
      result = ModelBenchmark.run(llama, settings);
    }
    String machine =
        Runtime.getRuntime().availableProcessors()
            + "-core CPU, "
            + (options.device().isGpu() ? "GPU " + options.device() : "no GPU");
    String threadSetting = EngineEnvironment.engineThreads();
    double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    String load = String.format(Locale.ROOT, "%.1f before, %.1f after", loadBefore, loadAfter);
    String date = Instant.now().toString();
    Files.createDirectories(out);
    Files.writeString(
        out.resolve("model.json"),
        json(result, dir, machine + "; load average " + load, threadSetting, options, date));
    String markdown =
        markdown(result, dir, machine + "; load average " + load, threadSetting, options, date);
    Files.writeString(out.resolve("model.md"), markdown);
    System.out.print(markdown);
    return 0;
  }

  private static String json(
      ModelBenchmark.Result r,
      Path dir,
      String machine,
      String threads,
      ModelOptions o,
      String date)
      throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("date", date);
    root.put("machine", machine);
    root.put("model", dir.toString());
    root.put("device", o.device().toString());
    root.put("threads", threads);
    root.put("precision", o.baseType().toString());
    root.set("settings", mapper.valueToTree(r.settings()));
    root.set("flopsPerBatch", mapper.valueToTree(r.flopsPerBatch()));
    root.set("matmul", mapper.valueToTree(r.matmul()));
    root.put("peakFlopsPerSecond", r.peakFlopsPerSecond());
    root.set("forward", mapper.valueToTree(r.forward()));
    root.put("forwardShareOfPeak", r.forwardShareOfPeak());
    root.set("forwardBackward", mapper.valueToTree(r.forwardBackward()));
    root.put("forwardBackwardShareOfPeak", r.forwardBackwardShareOfPeak());
    return mapper.writeValueAsString(root) + "\n";
  }

  private static String markdown(
      ModelBenchmark.Result r,
      Path dir,
      String machine,
      String threads,
      ModelOptions o,
      String date) {
    StringBuilder s = new StringBuilder();
    s.append("## kalm bench model\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "- date: %s; machine: %s; engine: DJL PyTorch on %s, %s, threads: %s%n",
            date,
            machine,
            o.device(),
            o.baseType(),
            threads));
    s.append(
        String.format(
            Locale.ROOT,
            "- model: %s; batch %d x %d tokens; %.1f s per measurement%n",
            dir,
            r.settings().batch(),
            r.settings().length(),
            r.settings().secondsPerMeasurement()));
    s.append(
        "- forward = hidden states + LM head; forward+backward adds the causal-LM loss and gradients of a "
            + "KaLM LoRA adapter (r 8, gate/up/down) with frozen base weights\n\n");
    s.append("| pass | tokens/s | GFLOP/s | share of peak |\n|---|---:|---:|---:|\n");
    row(s, "forward", r.forward(), r.forwardShareOfPeak());
    row(s, "forward+backward", r.forwardBackward(), r.forwardBackwardShareOfPeak());
    s.append(
        String.format(
            Locale.ROOT,
            "%nPeak matmul (same engine, same run): %.2f GFLOP/s%n%n",
            r.peakFlopsPerSecond() / 1e9));
    s.append("| matmul N | iterations | GFLOP/s |\n|---:|---:|---:|\n");
    for (ModelBenchmark.MatmulPeak p : r.matmul()) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %.2f |%n",
              p.size(),
              p.iterations(),
              p.flopsPerSecond() / 1e9));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "%nModel matmul FLOPs per batch: forward %.3g, forward+backward %.3g%n",
            r.flopsPerBatch().forward(),
            r.flopsPerBatch().forwardBackward()));
    return s.toString();
  }

  private static void row(
      StringBuilder s, String pass, ModelBenchmark.Measurement m, double share) {
    s.append(
        String.format(
            Locale.ROOT,
            "| %s | %.0f | %.2f | %.1f%% |%n",
            pass,
            m.tokensPerSecond(),
            m.flopsPerSecond() / 1e9,
            100 * share));
  }
}
