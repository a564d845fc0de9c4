package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import io.kalmstream.checkpoints.DirectoryCheckpointStore;
import io.kalmstream.cli.testing.PythonReference;
import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.model.TextEmbedder;
import io.kalmstream.scorer.LlamaModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint means in PyTorch what it means here: the plain-PyTorch reference (scripts/reference,
 * Hugging Face's Llama and PEFT's LoRA written out from their definitions) gives the same KaLM
 * embeddings as the Java model, for an adapter {@code kalm train} wrote and for one the reference
 * wrote, and the reference itself reproduces the documented greedy story of stories260K.
 */
class PeftReferenceTest {

  private static final Path SHARED = Path.of(System.getProperty("kalm.shared.dir"));
  private static final Path MODEL = SHARED.resolve("models/stories260K-hf");
  private static final int MAX_TOKENS = LlamaModelLoader.DEFAULT_MAX_TOKENS;
  private static final double TOLERANCE = 1e-4;

  /**
   * How much an adapter must move some embedding for a match within TOLERANCE to say anything about
   * it.
   */
  private static final double ADAPTER_EFFECT = 100 * TOLERANCE;

  /**
   * float32 on the CPU: on a GPU the default float16 base weights alone would differ by more than
   * TOLERANCE.
   */
  private static final ModelOptions FLOAT32_CPU = new ModelOptions(Device.cpu(), DataType.FLOAT32);

  @TempDir static Path tmp;
  private static PythonReference python;
  private static List<String> texts;

  @BeforeAll
  static void setUp() throws Exception {
    EngineEnvironment.setEngineThreads(1);
    python = PythonReference.start(Files.createDirectories(tmp.resolve("python")));
    texts = textsOfDifferentLengths();
  }

  /**
   * KaLM views of the first WN18RR entities (one padded batch in the reference, length-sorted
   * micro-batches here), a one-token text, one with characters the vocabulary only has as bytes,
   * and one cut at MAX_TOKENS.
   */
  private static List<String> textsOfDifferentLengths() throws IOException {
    List<String> entityTexts;
    try (Stream<String> lines = Files.lines(SHARED.resolve("datasets/wn18rr/entity2text.txt"))) {
      entityTexts = lines.limit(4).map(l -> l.split("\t", 2)[1]).collect(Collectors.toList());
    }
    List<String> out = new ArrayList<>();
    out.add("[" + entityTexts.get(0) + ", hypernym]");
    out.add("{" + entityTexts.get(1) + "}");
    out.add("[" + entityTexts.get(2) + ", inverse has part]");
    out.add("{" + entityTexts.get(3) + "}");
    out.add("a");
    out.add("Crème brûlée, a café's dessert ☃");
    out.add(String.join(" ", entityTexts).repeat(4));
    return out;
  }

  @Test
  void embeddingsOfATrainedCheckpointMatchTheReference() throws Exception {
    Path adapter = trainAFewSteps();
    try (LlamaModel model = LlamaModel.load(MODEL, adapter, FLOAT32_CPU)) {
      float maxB = 0;
      for (var e : model.adapterParameters().entrySet()) {
        if (e.getKey().endsWith("lora_B.weight")) {
          for (float v : e.getValue().getArray().toFloatArray()) {
            maxB = Math.max(maxB, Math.abs(v));
          }
        }
      }
      assertTrue(
          maxB > 0, "training left every LoRA B at zero, so the adapter would prove nothing");
      float[][] java;
      try (TextEmbedder embedder = model.embedder(MAX_TOKENS)) {
        java = embedder.embed(texts);
      }
      JsonNode reference = python.embed(MODEL, adapter, texts, MAX_TOKENS);
      assertSameTokens(model, reference);
      double diff = maxAbsDiff(java, reference.get("embeddings"));
      assertTrue(diff <= TOLERANCE, "Java and reference embeddings differ by " + diff);
      System.out.printf(
          "trained adapter (max |B| %.4f, moves embeddings by up to %.3g): max |Java - reference| = %.3g%n",
          maxB, assertAdapterMatters(java), diff);

      String prompt = "Once upon a time";
      String javaText = model.generate(prompt, 30, List.of());
      assertEquals(javaText, python.generate(MODEL, adapter, prompt, 30).get("text").asText());
    }
  }

  @Test
  void theScorerLoadsAnAdapterTheReferenceWrote() throws Exception {
    Path adapter = tmp.resolve("python-adapter");
    // r and alpha other than the defaults, and attention projections too, so scaling and module
    // names are exercised
    python.writeAdapter(
        MODEL, adapter, 4, 12, List.of("q_proj", "v_proj", "o_proj", "down_proj"), 7);
    float[][] java;
    try (TextEmbedder embedder =
        new LlamaModelLoader(MODEL, FLOAT32_CPU, MAX_TOKENS).loadWithAdapter(adapter)) {
      java = embedder.embed(texts);
    }
    double diff =
        maxAbsDiff(java, python.embed(MODEL, adapter, texts, MAX_TOKENS).get("embeddings"));
    assertTrue(diff <= TOLERANCE, "Java and reference embeddings differ by " + diff);
    System.out.printf(
        "reference-written adapter (moves embeddings by up to %.3g): max |Java - reference| = %.3g%n",
        assertAdapterMatters(java), diff);
  }

  @Test
  void theReferenceReproducesTheDocumentedGreedyStory() throws Exception {
    // as GreedyGenerationTest: 200 tokens from BOS, checked against stories260K/EXPECTED.md
    String expected = Files.readString(SHARED.resolve("models/stories260K/EXPECTED.md"));
    JsonNode generated = python.generate(MODEL, null, "", 200);
    List<Long> ids = new ArrayList<>();
    generated.get("ids").forEach(id -> ids.add(id.asLong()));
    assertEquals(documentedIds(expected), ids);
    Matcher block = Pattern.compile("```\n(.*?)\n```", Pattern.DOTALL).matcher(expected);
    assertTrue(block.find(), "EXPECTED.md has no text block");
    assertEquals(block.group(1), generated.get("text").asText());
  }

  /** The bracketed list of 200 ids in EXPECTED.md. */
  private static List<Long> documentedIds(String expected) {
    Matcher list = Pattern.compile("\\[(\\d+(?:,\\s*\\d+){10,})]").matcher(expected);
    assertTrue(list.find(), "EXPECTED.md has no token id list");
    List<Long> ids = new ArrayList<>();
    for (String id : list.group(1).split(",")) {
      ids.add(Long.parseLong(id.trim()));
    }
    return ids;
  }

  /**
   * Four steps of {@code kalm train --dataset} on the first WN18RR triples with a short warmup and
   * a high rate, so that B moves well away from zero; returns the checkpoint directory.
   */
  private static Path trainAFewSteps() throws Exception {
    Path dataset = wn18rrSubset(tmp.resolve("wn18rr-subset"), 16);
    Path out = tmp.resolve("checkpoints");
    KalmRun run =
        KalmRun.of(
            "train",
            "--dataset",
            dataset.toString(),
            "--model",
            MODEL.toString(),
            "--out",
            out.toString(),
            "--max-steps",
            "4",
            "--contrastive-batch",
            "8",
            "--instruction-batch",
            "2",
            "--warmup",
            "1",
            "--lr",
            "1e-2",
            "--metrics-port",
            "-1",
            "--log-every",
            "100");
    assertEquals(0, run.exitCode(), run.stdout());
    DirectoryCheckpointStore store = new DirectoryCheckpointStore(out, 5);
    return store.localDirectory(
        store.latest().orElseThrow(() -> new AssertionError("no checkpoint in " + out)));
  }

  /**
   * The first {@code triples} WN18RR training triples, the texts of the entities they name, every
   * relation.
   */
  private static Path wn18rrSubset(Path dir, int triples) throws IOException {
    Path source = SHARED.resolve("datasets/wn18rr");
    Files.createDirectories(dir);
    List<String> train;
    try (Stream<String> lines = Files.lines(source.resolve("train.tsv"))) {
      train = lines.limit(triples).collect(Collectors.toList());
    }
    Set<String> entities = new HashSet<>();
    for (String line : train) {
      String[] f = line.split("\t");
      entities.add(f[0]);
      entities.add(f[2]);
    }
    try (Stream<String> lines = Files.lines(source.resolve("entity2text.txt"))) {
      Files.write(
          dir.resolve("entity2text.txt"),
          lines.filter(l -> entities.contains(l.split("\t", 2)[0])).collect(Collectors.toList()));
    }
    Files.write(dir.resolve("train.tsv"), train);
    Files.copy(source.resolve("relation2text.txt"), dir.resolve("relation2text.txt"));
    Files.write(dir.resolve("dev.tsv"), List.of());
    Files.write(dir.resolve("test.tsv"), List.of());
    return dir;
  }

  /** The reference tokenized every text as the Java tokenizer does, cut included. */
  private static void assertSameTokens(LlamaModel model, JsonNode reference) {
    for (int i = 0; i < texts.size(); i++) {
      List<Long> java = new ArrayList<>();
      for (long id : model.tokenizer().encode(texts.get(i), MAX_TOKENS)) {
        java.add(id);
      }
      List<Long> python = new ArrayList<>();
      reference.get("token_ids").get(i).forEach(id -> python.add(id.asLong()));
      assertEquals(java, python, "token ids of '" + texts.get(i) + "'");
    }
  }

  /**
   * Some text's embedding moved by more than ADAPTER_EFFECT from the base model's; returns the
   * largest move.
   */
  private static double assertAdapterMatters(float[][] adapted) {
    float[][] base;
    try (TextEmbedder embedder = new LlamaModelLoader(MODEL, FLOAT32_CPU, MAX_TOKENS).loadBase()) {
      base = embedder.embed(texts);
    }
    double moved = 0;
    for (int i = 0; i < base.length; i++) {
      for (int j = 0; j < base[i].length; j++) {
        moved = Math.max(moved, Math.abs(base[i][j] - adapted[i][j]));
      }
    }
    assertTrue(
        moved > ADAPTER_EFFECT, "the adapter moved no embedding entry by more than " + moved);
    return moved;
  }

  private static double maxAbsDiff(float[][] java, JsonNode reference) {
    assertEquals(java.length, reference.size());
    double max = 0;
    for (int i = 0; i < java.length; i++) {
      assertEquals(java[i].length, reference.get(i).size());
      for (int j = 0; j < java[i].length; j++) {
        max = Math.max(max, Math.abs(java[i][j] - reference.get(i).get(j).asDouble()));
      }
    }
    return max;
  }
}
