package io.kalmstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.trainer.eval.EvaluationReport;
import io.kalmstream.trainer.eval.EvaluationSettings;
import io.kalmstream.trainer.eval.ModelEvaluation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate link prediction on a dataset split: every entity is embedded as \"{name, description}\", every "
          + "triple is ranked for its tail with \"[D_h, D_r]\" and for its head with \"[D_t, inverse D_r]\", "
          + "filtered over train, dev and test.",
      "Prints MR, MRR and Hits@1/3/10 per direction and averaged, as a table and a Markdown row, or only a JSON "
          + "object with --json. Logs go to stderr."
    })
final class EvalCommand implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Mixin ModelDirOption model;
  @Mixin DatasetDirOption dataset;
  @Mixin EvalOptions eval;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description = "PEFT LoRA adapter directory on top of the model.")
  Path adapter;

  @Option(
      names = "--split",
      defaultValue = "test",
      description = "train, dev or test (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = "--max-text-tokens",
      paramLabel = "N",
      defaultValue = "" + EvaluationSettings.DEFAULT_MAX_TOKENS,
      description =
          "Token cut of each query and entity text; keep the one used in training (default: ${DEFAULT-VALUE}).")
  int maxTextTokens;

  @Option(
      names = "--label",
      description = "First cell of the Markdown row (default: the model and adapter names).")
  String label;

  @Option(names = "--json", description = "Print only the JSON object of the figures.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Path modelDir;
    EvaluationReport report;
    try {
      modelDir = model.modelDir();
      Path datasetDir = dataset.datasetDir();
      report =
          ModelEvaluation.run(
              modelDir,
              adapter,
              KgDatasetReader.read(datasetDir),
              datasetDir.getFileName().toString(),
              eval.settings(split, maxTextTokens),
              EngineEnvironment.modelOptions());
    } catch (IllegalArgumentException e) {
      System.err.println("kalm eval: " + e.getMessage());
      return 2;
    }
    if (json) {
      System.out.println(JSON.writeValueAsString(report.toJson()));
    } else {
      System.out.print(report.table());
      System.out.println();
      System.out.println(EvaluationReport.markdownHeader());
      System.out.println(
          report.markdownRow(label != null ? label : defaultLabel(modelDir, adapter)));
    }
    return 0;
  }

  static String defaultLabel(Path modelDir, Path adapterDir) {
    String name = modelDir.getFileName().toString();
    return adapterDir == null ? name + " (untrained)" : name + " + " + adapterDir.getFileName();
  }
}
