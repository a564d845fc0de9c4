package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.kalmstream.model.ModelOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kalm generate} and {@code kalm bench model} on the shared stories260K model. */
class ModelCommandsTest {

  private static final Path MODEL = Path.of(System.getProperty("kalm.shared.dir"), "models", "stories260K-hf");

  @BeforeAll
  static void singleEngineThread() {
    // the build machine is small and shared; see model/pom.xml
    ModelOptions.setEngineThreads(1);
  }

  /** Runs kalm with {@code args}; returns exit code and what went to stdout. */
  private static Object[] run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int code = Kalm.commandLine().execute(args);
      return new Object[] {code, captured.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void generatePrintsOnlyTheGreedyContinuation() {
    Object[] result = run("generate", "--model", MODEL.toString(), "--max-tokens", "15");
    assertEquals(0, result[0]);
    assertEquals("Once upon a time, there was a little girl named Lily.\n", result[1]);
  }

  @Test
  void generateContinuesAPromptAndStopsAtAStopId() {
    // id 426 is "." in the stories260K vocabulary
    Object[] result = run("generate", "--model", MODEL.toString(), "--prompt", "Once upon a time",
        "--max-tokens", "50", "--stop-id", "426");
    assertEquals(0, result[0]);
    String text = (String) result[1];
    assertTrue(!text.contains(".") && !text.isBlank(), text);
  }

  @Test
  void generateExplainsAMissingModelDirectory(@TempDir Path empty) {
    Object[] result = run("generate", "--model", empty.toString());
    assertEquals(2, result[0]);
    assertEquals("", result[1]);
  }

  @Test
  void benchModelWritesJsonAndMarkdown(@TempDir Path out) throws Exception {
    Object[] result = run("bench", "model", "--model", MODEL.toString(), "--batch", "2", "--seq-len", "16",
        "--seconds", "0.05", "--matmul-sizes", "64", "--out", out.toString());
    assertEquals(0, result[0]);
    assertTrue(((String) result[1]).contains("| forward |"), (String) result[1]);
    JsonNode json = new ObjectMapper().readTree(Files.readAllBytes(out.resolve("model.json")));
    assertTrue(json.get("forward").get("tokensPerSecond").asDouble() > 0);
    assertTrue(json.get("forwardBackward").get("flopsPerSecond").asDouble() > 0);
    assertTrue(json.get("peakFlopsPerSecond").asDouble() > 0);
    assertEquals(Files.readString(out.resolve("model.md")), result[1]);
  }
}
