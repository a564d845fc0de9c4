package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kalmstream.batching.KgDatasetReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kalm eval} and {@code kalm bench kgc} on stories260K and a six-entity graph in KG-BERT
 * layout.
 */
class KgcCommandsTest {

  private static final Path MODEL =
      Path.of(System.getProperty("kalm.shared.dir"), "models", "stories260K-hf");

  @TempDir static Path tmp;
  static Path dataset;

  @BeforeAll
  static void tinyDataset() throws IOException {
    EngineEnvironment.setEngineThreads(1);
    dataset = Files.createDirectories(tmp.resolve("tiny-kg"));
    Files.writeString(
        dataset.resolve("entity2text.txt"),
        String.join(
                "\n",
                "cat\tcat, a small domesticated feline",
                "dog\tdog, a domesticated canine",
                "mammal\tmammal, a warm-blooded animal",
                "animal\tanimal, a living organism",
                "paw\tpaw, a clawed foot",
                "tail\ttail, the rear appendage")
            + "\n");
    Files.writeString(
        dataset.resolve("relation2text.txt"), "_hypernym\thypernym\n_has_part\thas part\n");
    Files.writeString(
        dataset.resolve("train.tsv"),
        String.join(
                "\n",
                "cat\t_hypernym\tmammal",
                "dog\t_hypernym\tmammal",
                "mammal\t_hypernym\tanimal",
                "cat\t_has_part\tpaw",
                "dog\t_has_part\ttail",
                "cat\t_has_part\ttail")
            + "\n");
    Files.writeString(dataset.resolve("dev.tsv"), "dog\t_has_part\tpaw\n");
    Files.writeString(
        dataset.resolve("test.tsv"), "cat\t_hypernym\tanimal\ndog\t_hypernym\tanimal\n");
  }

  @Test
  void evalJsonPrintsOnlyTheFiguresObject() throws IOException {
    KalmRun result =
        KalmRun.of(
            "eval",
            "--model",
            MODEL.toString(),
            "--dataset",
            dataset.toString(),
            "--json",
            "--cache-dir",
            tmp.resolve("cache").toString());
    assertEquals(0, result.exitCode());
    JsonNode json = new ObjectMapper().readTree(result.stdout());
    for (String key : List.of("mr", "mrr", "hits1", "hits3", "hits10")) {
      assertTrue(json.get(key).isNumber(), key);
      assertTrue(json.get("tail").get(key).isNumber(), "tail " + key);
      assertTrue(json.get("head").get(key).isNumber(), "head " + key);
    }
    assertEquals(2, json.get("triples").asInt());
    double mr = json.get("mr").asDouble();
    assertEquals(
        (json.get("tail").get("mr").asDouble() + json.get("head").get("mr").asDouble()) / 2,
        mr,
        1e-3);
    assertTrue(mr >= 1 && mr <= 6, "filtered ranks over six entities: " + mr);
  }

  @Test
  void evalTableEndsWithAMarkdownRow() {
    KalmRun result =
        KalmRun.of(
            "eval",
            "--model",
            MODEL.toString(),
            "--dataset",
            dataset.toString(),
            "--no-cache",
            "--label",
            "tiny");
    assertEquals(0, result.exitCode());
    String out = result.stdout();
    assertTrue(out.contains("average"), out);
    assertTrue(
        out.strip().lines().reduce((a, b) -> b).orElseThrow().startsWith("| tiny | 2 |"), out);
  }

  @Test
  void ablationsAndThePassThroughBecomeTrainerOptions() {
    BenchKgcCommand bench = new BenchKgcCommand();
    new CommandLine(bench)
        .parseArgs(
            "--budget-minutes",
            "2",
            "--epochs",
            "2",
            "--ablation",
            "no-instruction",
            "--ablation",
            "lora-attn-ffn",
            "--",
            "--contrastive-batch",
            "4",
            "--lr",
            "2e-4");
    List<String> args =
        bench.trainArgs(MODEL, dataset, tmp.resolve("ckpt"), KgDatasetReader.read(dataset));
    // 6 training triples give 12 pairs; 2 epochs at 4 pairs a step are 6 steps
    assertEquals(
        List.of(
            "--dataset",
            dataset.toString(),
            "--model",
            MODEL.toString(),
            "--out",
            tmp.resolve("ckpt").toString(),
            "--minutes",
            "2",
            "--max-steps",
            "6",
            "--metrics-port",
            "-1",
            "--lambda",
            "0",
            "--lora-targets",
            "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj",
            "--contrastive-batch",
            "4",
            "--lr",
            "2e-4"),
        args);
    // every generated option is one kalm train accepts
    new CommandLine(new TrainCommand()).parseArgs(args.toArray(String[]::new));
  }

  @Test
  void benchTrainsForItsEpochsAndWritesBothRows() throws IOException {
    Path out = tmp.resolve("bench");
    KalmRun result =
        KalmRun.of(
            "bench",
            "kgc",
            "--model",
            MODEL.toString(),
            "--dataset",
            dataset.toString(),
            "--budget-minutes",
            "5",
            "--epochs",
            "1",
            "--ablation",
            "margin-0",
            "--out",
            out.toString(),
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--",
            "--contrastive-batch",
            "4",
            "--instruction-batch",
            "2",
            "--warmup",
            "1",
            "--checkpoint-every",
            "0",
            "--log-every",
            "100");
    assertEquals(0, result.exitCode(), result.stdout());
    JsonNode json = new ObjectMapper().readTree(out.resolve("kgc.json").toFile());
    assertEquals(3, json.get("trained").get("steps").asInt(), "12 pairs at 4 a step");
    List<String> trainArgs = new ArrayList<>();
    json.get("configuration").get("train_args").forEach(a -> trainArgs.add(a.asText()));
    assertTrue(String.join(" ", trainArgs).contains("--margin 0"), trainArgs.toString());
    assertTrue(json.get("machine").get("cores").asInt() >= 1);
    assertTrue(json.get("untrained").get("mrr").asDouble() > 0);
    assertTrue(json.get("trained").get("mrr").asDouble() > 0);
    assertFalse(json.get("trained").get("adapter").asText().isEmpty());
    String markdown = Files.readString(out.resolve("kgc.md"));
    assertTrue(
        markdown.contains("(untrained)")
            && markdown.contains("margin-0")
            && markdown.contains("KaLM Llama-2-7B"),
        markdown);
  }
}
